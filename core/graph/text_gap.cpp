#include "core/graph/text_gap.hpp"

#include <algorithm>
#include <unordered_map>

namespace flowrun::graph {
namespace {

/// Segments that share one horizontal track.
struct Net {
  std::vector<int> sources;  ///< columns of the upper ends
  std::vector<int> targets;  ///< columns of the lower ends
  int low = 0;
  int high = 0;
  int row = -1;  ///< track row; -1 for a straight vertical line
  int min_row = 0;
  int blockers = 0;
  std::vector<std::size_t> below;  ///< nets whose track must be lower than this one's
  bool is_straight() const { return low == high; }
};

void sort_unique(std::vector<int>& columns) {
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
}

class GapRouter {
 public:
  explicit GapRouter(const GapPlacement& placement) : p_(placement) {}

  std::vector<std::string> draw(std::size_t begin, std::size_t end, std::size_t lower_layer) {
    build_nets(begin, end);
    order_constraints();
    assign_rows();
    std::vector<std::string> lines;
    for (const auto& cells : grid()) {
      CanvasRow row(p_.width);
      for (std::size_t x = 0; x < cells.size(); ++x) {
        if (cells[x] != 0) row.put(static_cast<int>(x), p_.glyphs.line(cells[x]));
      }
      lines.push_back(row.str());
    }
    lines.push_back(arrow_row(lower_layer));
    return lines;
  }

 private:
  int column(int v) const {
    return p_.left[static_cast<std::size_t>(v)] + p_.port[static_cast<std::size_t>(v)];
  }

  /// A vertex with several segments fans out on one track; the other segments fan in to
  /// their lower vertex, so each track reads as one split or one join.
  void build_nets(std::size_t begin, std::size_t end) {
    std::unordered_map<int, int> out_degree;
    for (std::size_t s = begin; s < end; ++s) ++out_degree[p_.layout.segments[s].upper];
    std::unordered_map<long long, std::size_t> index;
    for (std::size_t s = begin; s < end; ++s) {
      const auto& segment = p_.layout.segments[s];
      const bool fan_out = out_degree[segment.upper] > 1;
      const long long key = 2LL * (fan_out ? segment.upper : segment.lower) + (fan_out ? 1 : 0);
      auto [it, added] = index.emplace(key, nets_.size());
      if (added) nets_.emplace_back();
      Net& net = nets_[it->second];
      net.sources.push_back(column(segment.upper));
      net.targets.push_back(column(segment.lower));
    }
    for (Net& net : nets_) {
      sort_unique(net.sources);
      sort_unique(net.targets);
      net.low = std::min(net.sources.front(), net.targets.front());
      net.high = std::max(net.sources.back(), net.targets.back());
    }
  }

  /// A track must lie above any track that drops into the column its own line comes down,
  /// or the two lines would merge.
  void order_constraints() {
    std::unordered_map<int, std::size_t> source_net;
    for (std::size_t n = 0; n < nets_.size(); ++n) {
      if (nets_[n].is_straight()) continue;
      for (int x : nets_[n].sources) source_net[x] = n;
    }
    for (std::size_t n = 0; n < nets_.size(); ++n) {
      if (nets_[n].is_straight()) continue;
      for (int x : nets_[n].targets) {
        auto it = source_net.find(x);
        if (it == source_net.end() || it->second == n) continue;
        nets_[it->second].below.push_back(n);
        ++nets_[n].blockers;
      }
    }
  }

  bool row_is_free(std::size_t row, const Net& net) const {
    if (row >= tracks_.size()) return true;
    return std::none_of(tracks_[row].begin(), tracks_[row].end(), [&](const auto& taken) {
      return net.low <= taken.second + 1 && net.high >= taken.first - 1;
    });
  }

  /// Nets in constraint order (leftmost first among the free ones; a cycle is broken at its
  /// leftmost net), each on the first row that is free and below the nets it must follow.
  void assign_rows() {
    std::vector<std::size_t> pending;
    for (std::size_t n = 0; n < nets_.size(); ++n) {
      if (!nets_[n].is_straight()) pending.push_back(n);
    }
    while (!pending.empty()) {
      auto pick = pending.end();
      for (auto it = pending.begin(); it != pending.end(); ++it) {
        if (nets_[*it].blockers > 0) continue;
        if (pick == pending.end() || nets_[*it].low < nets_[*pick].low) pick = it;
      }
      if (pick == pending.end()) {
        pick = std::min_element(pending.begin(), pending.end(), [&](std::size_t a, std::size_t b) {
          return nets_[a].low < nets_[b].low;
        });
      }
      Net& net = nets_[*pick];
      pending.erase(pick);
      auto row = static_cast<std::size_t>(net.min_row);
      while (!row_is_free(row, net)) ++row;
      if (row >= tracks_.size()) tracks_.resize(row + 1);
      tracks_[row].emplace_back(net.low, net.high);
      net.row = static_cast<int>(row);
      for (std::size_t n : net.below) {
        nets_[n].min_row = std::max(nets_[n].min_row, net.row + 1);
        --nets_[n].blockers;
      }
    }
  }

  std::vector<std::vector<unsigned char>> grid() const {
    const std::size_t rows = tracks_.size();
    std::vector<std::vector<unsigned char>> cells(
        rows, std::vector<unsigned char>(static_cast<std::size_t>(p_.width) + 1, 0));
    auto mark = [&](std::size_t row, int x, unsigned directions) {
      cells[row][static_cast<std::size_t>(x)] |= static_cast<unsigned char>(directions);
    };
    for (const Net& net : nets_) {
      if (net.is_straight()) {
        for (std::size_t r = 0; r < rows; ++r) mark(r, net.low, LineUp | LineDown);
        continue;
      }
      const auto track = static_cast<std::size_t>(net.row);
      for (int x = net.low; x <= net.high; ++x) {
        mark(track, x, (x > net.low ? LineLeft : 0) | (x < net.high ? LineRight : 0));
      }
      for (int x : net.sources) {
        for (std::size_t r = 0; r <= track; ++r) mark(r, x, LineUp | (r < track ? LineDown : 0));
      }
      for (int x : net.targets) {
        for (std::size_t r = track; r < rows; ++r) mark(r, x, LineDown | (r > track ? LineUp : 0));
      }
    }
    return cells;
  }

  std::string arrow_row(std::size_t lower_layer) const {
    CanvasRow row(p_.width);
    for (int v : p_.layout.layers[lower_layer]) {
      const int x = column(v);
      if (p_.layout.is_dummy(v)) {
        row.put(x, p_.glyphs.line(LineUp | LineDown));
        continue;
      }
      row.put(x, p_.glyphs.arrow);
      const std::string& note = p_.notes[static_cast<std::size_t>(v)];
      if (!note.empty()) row.put(x + 2, note);
    }
    return row.str();
  }

  const GapPlacement& p_;
  std::vector<Net> nets_;
  std::vector<std::vector<std::pair<int, int>>> tracks_;  ///< per row: taken column ranges
};

}  // namespace

std::vector<std::string> draw_gap(const GapPlacement& placement, std::size_t begin, std::size_t end,
                                  std::size_t lower_layer) {
  return GapRouter(placement).draw(begin, end, lower_layer);
}

}  // namespace flowrun::graph
