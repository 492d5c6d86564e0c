#pragma once

#include <string>
#include <vector>

#include "core/load/field_reader.hpp"
#include "core/load/yaml_reader.hpp"
#include "core/model/workflow.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// Converts the `steps:` of a native workflow while its file is parsed, one step's nodes at a
/// time, instead of from the tree of all of them (for 10 000 steps the tree is as large as
/// the model). Problems are kept apart until `take_steps`: the file may turn out unreadable
/// or a state machine, and then they do not apply.
class StepStream {
 public:
  /// `file`: the document's path as diagnostics name it (display_path).
  explicit StepStream(std::string file);
  StepStream(const StepStream&) = delete;
  StepStream& operator=(const StepStream&) = delete;

  /// What read_yaml hands the items of `steps:` to.
  ItemStream& items() { return items_; }
  /// Whether the top-level `steps:` was a sequence and its items were converted here.
  bool streamed() const { return items_.streamed; }
  /// Moves the converted steps into `steps` and their problems into `diagnostics`.
  void take_steps(std::vector<Step>& steps, Diagnostics& diagnostics);

 private:
  Diagnostics diagnostics_;
  FieldReader reader_;
  std::vector<Step> steps_;
  ItemStream items_;
};

}  // namespace flowrun
