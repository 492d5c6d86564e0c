#include "core/validate/dag_checks.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "core/model/step_index.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

// Paths longer than this are shortened in the message, keeping both ends.
constexpr std::size_t kMaxCycleSteps = 12;

struct Edge {
  std::uint32_t target;
  std::uint32_t entry;  ///< index into the source step's `needs`
};

SourcePos need_pos(const Step& step, std::size_t entry) {
  return step.needs[entry].pos.is_known() ? step.needs[entry].pos : step.pos;
}

std::uint32_t span_of(const std::string& text) {
  return static_cast<std::uint32_t>(std::max<std::size_t>(1, text.size()));
}

class GraphChecker {
 public:
  GraphChecker(const std::vector<Step>& steps, const GraphScope& scope, Diagnostics& diagnostics)
      : steps_(steps),
        scope_(scope),
        diagnostics_(diagnostics),
        index_(steps),
        seen_by_(steps.size(), kNoStep),
        seen_entry_(steps.size(), 0) {}

  void run() {
    // Compressed rows: the edges of step i are edges_[edge_begin_[i] .. edge_begin_[i + 1]).
    edge_begin_.reserve(steps_.size() + 1);
    edge_begin_.push_back(0);
    for (std::uint32_t i = 0; i < steps_.size(); ++i) collect_edges(i);
    find_cycles();
  }

 private:
  std::string label(const Step& step) const {
    return fmt::format("{} '{}'", scope_.handler_key.empty() ? "step" : "handler", step.id);
  }

  const std::vector<std::string>& candidates() {
    if (candidates_.empty()) {
      for (const auto& step : steps_) {
        if (!step.id.empty()) candidates_.push_back(step.id);
      }
    }
    return candidates_;
  }

  // The earlier entry of `source` that names the same known step, if any; marks the step.
  std::optional<std::size_t> earlier_known_entry(std::uint32_t source, std::uint32_t target,
                                                 std::size_t entry) {
    if (seen_by_[target] == source) return seen_entry_[target];
    seen_by_[target] = source;
    seen_entry_[target] = static_cast<std::uint32_t>(entry);
    return std::nullopt;
  }

  // The earlier entry with the same unknown name, if any.
  std::optional<std::size_t> earlier_unknown_entry(
      const Step& step, std::size_t entry,
      std::unordered_map<std::string_view, std::size_t>& seen) {
    const std::string& need = step.needs[entry].id;
    if (step.needs.size() <= 16) {
      for (std::size_t j = 0; j < entry; ++j) {
        if (step.needs[j].id == need) return j;
      }
      return std::nullopt;
    }
    auto [it, inserted] = seen.emplace(need, entry);
    if (inserted) return std::nullopt;
    return it->second;
  }

  void collect_edges(std::uint32_t source) {
    const Step& step = steps_[source];
    std::unordered_map<std::string_view, std::size_t> unknown_seen;
    for (std::size_t entry = 0; entry < step.needs.size(); ++entry) {
      const std::string& need = step.needs[entry].id;
      SourcePos pos = need_pos(step, entry);
      std::optional<std::uint32_t> target;
      if (!need.empty()) target = index_.find(need);
      std::optional<std::size_t> first = target ? earlier_known_entry(source, *target, entry)
                                                : earlier_unknown_entry(step, entry, unknown_seen);
      if (first) {
        diagnostics_
            .warning("duplicate-need", scope_.file, pos,
                     fmt::format("{} lists '{}' in 'needs' more than once", label(step), need),
                     span_of(need))
            .note("first listed here", need_pos(step, *first));
        continue;
      }
      if (!step.id.empty() && need == step.id) {
        diagnostics_.error("self-need", scope_.file, pos,
                           fmt::format("{} needs itself", label(step)), span_of(need));
        continue;
      }
      if (target) {
        edges_.push_back({*target, static_cast<std::uint32_t>(entry)});
        continue;
      }
      report_missing(step, need, pos);
    }
    edge_begin_.push_back(static_cast<std::uint32_t>(edges_.size()));
  }

  void report_missing(const Step& step, const std::string& need, SourcePos pos) {
    if (scope_.main_ids && scope_.main_ids->count(need)) {
      diagnostics_
          .error("handler-needs-step", scope_.file, pos,
                 fmt::format("{} needs '{}', a step of the main graph", label(step), need),
                 span_of(need))
          .note(
              "handlers run after every step of the main graph has ended; 'needs' may only "
              "name handlers of the same list");
      return;
    }
    auto& diag =
        diagnostics_.error("unknown-need", scope_.file, pos,
                           fmt::format("{} needs unknown {} '{}'", label(step),
                                       scope_.handler_key.empty() ? "step" : "handler", need),
                           span_of(need));
    if (auto suggestion = closest_match(need, candidates())) {
      diag.note(fmt::format("did you mean '{}'?", *suggestion));
    }
  }

  void find_cycles() {
    enum : std::uint8_t { White, Gray, Black };
    std::vector<std::uint8_t> colour(steps_.size(), White);
    std::vector<std::size_t> depth(steps_.size(), 0);
    struct Frame {
      std::size_t node;
      std::size_t next_edge;
    };
    std::vector<Frame> stack;
    for (std::size_t root = 0; root < steps_.size(); ++root) {
      if (colour[root] != White) continue;
      colour[root] = Gray;
      stack.push_back({root, 0});
      while (!stack.empty()) {
        std::size_t node = stack.back().node;
        if (edge_begin_[node] + stack.back().next_edge == edge_begin_[node + 1]) {
          colour[node] = Black;
          stack.pop_back();
          continue;
        }
        Edge edge = edges_[edge_begin_[node] + stack.back().next_edge++];
        if (colour[edge.target] == White) {
          colour[edge.target] = Gray;
          depth[edge.target] = stack.size();
          stack.push_back({edge.target, 0});
        } else if (colour[edge.target] == Gray) {
          report_cycle(stack, depth[edge.target], node, edge);
        }
      }
    }
  }

  template <typename Stack>
  void report_cycle(const Stack& stack, std::size_t from, std::size_t node, const Edge& edge) {
    std::size_t length = stack.size() - from;
    std::vector<std::string> path;
    for (std::size_t i = from; i < stack.size(); ++i) {
      std::size_t offset = i - from;
      if (length > kMaxCycleSteps && offset == kMaxCycleSteps / 2) {
        path.push_back(fmt::format("... {} more ...", length - kMaxCycleSteps));
        i = stack.size() - kMaxCycleSteps / 2;
      }
      path.push_back(steps_[stack[i].node].id);
    }
    path.push_back(steps_[edge.target].id);
    const Step& step = steps_[node];
    const std::string& need = step.needs[edge.entry].id;
    diagnostics_.error("cycle", scope_.file, need_pos(step, edge.entry),
                       fmt::format("cycle in 'needs': {}", join(path, " -> ")), span_of(need));
  }

  const std::vector<Step>& steps_;
  const GraphScope& scope_;
  Diagnostics& diagnostics_;
  StepIndex index_;
  static constexpr std::uint32_t kNoStep = UINT32_MAX;
  // For each step, the last source that named it and at which entry (duplicate needs).
  std::vector<std::uint32_t> seen_by_;
  std::vector<std::uint32_t> seen_entry_;
  std::vector<Edge> edges_;
  std::vector<std::uint32_t> edge_begin_;
  std::vector<std::string> candidates_;
};

}  // namespace

void check_needs_graph(const std::vector<Step>& steps, const GraphScope& scope,
                       Diagnostics& diagnostics) {
  GraphChecker(steps, scope, diagnostics).run();
}

}  // namespace flowrun
