#include "core/load/step_stream.hpp"

#include "core/load/load_step.hpp"

namespace flowrun {

StepStream::StepStream(std::string file) : reader_(std::move(file), diagnostics_) {
  items_.key = "steps";
  items_.take = [this](Node item) {
    if (auto step = load_step(reader_, item, "")) steps_.push_back(std::move(*step));
  };
}

void StepStream::take_steps(std::vector<Step>& steps, Diagnostics& diagnostics) {
  steps = std::move(steps_);
  steps_.clear();
  for (const Diagnostic& diagnostic : diagnostics_.items()) diagnostics.add(diagnostic);
  diagnostics_ = Diagnostics{};
}

}  // namespace flowrun
