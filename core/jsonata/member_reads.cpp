#include <algorithm>

#include "core/jsonata/ast.hpp"
#include "core/jsonata/jsonata.hpp"

// Finds where an expression reads a member of a variable (`$states.result`), for checks that
// need to know what an expression reads before it runs (validate's `$states` placement).

namespace flowrun::jsonata {
namespace {

class MemberReads {
 public:
  MemberReads(std::string_view variable, std::string_view member)
      : variable_(variable), member_(member) {}

  void visit(const Node* node) {
    if (!node) return;
    if (node->type == NodeType::Path && node->items.size() >= 2) record(*node);
    visit(node->lhs.get());
    visit(node->rhs.get());
    visit(node->third.get());
    for (const NodePtr& item : node->items) visit(item.get());
    for (const auto& [key, value] : node->pairs) {
      visit(key.get());
      visit(value.get());
    }
    if (node->group) {
      for (const auto& [key, value] : node->group->pairs) {
        visit(key.get());
        visit(value.get());
      }
    }
    for (const Stage& stage : node->predicates) visit(stage.filter.get());
    for (const Stage& stage : node->stages) visit(stage.filter.get());
    for (const SortTerm& term : node->terms) visit(term.expression.get());
  }

  std::vector<std::size_t> take() {
    std::sort(offsets_.begin(), offsets_.end());
    return std::move(offsets_);
  }

 private:
  // A node's position is the offset just past its token: `$states` starts 1 + 6 before it.
  void record(const Node& path) {
    const Node& first = *path.items[0];
    const Node& second = *path.items[1];
    if (first.type != NodeType::Variable || first.value != variable_) return;
    if (second.type != NodeType::Name || second.value != member_) return;
    const std::size_t length = 1 + first.value.size();
    offsets_.push_back(first.position >= length ? first.position - length : 0);
  }

  std::string_view variable_;
  std::string_view member_;
  std::vector<std::size_t> offsets_;
};

}  // namespace

std::vector<std::size_t> Expression::find_member_reads(std::string_view variable,
                                                       std::string_view member) const {
  MemberReads reads(variable, member);
  reads.visit(root_.get());
  return reads.take();
}

}  // namespace flowrun::jsonata
