#include "core/load/step_stream.hpp"

#include <algorithm>

#include "core/load/load_step.hpp"

namespace flowrun {
namespace {

// An estimate counts every `- ` line, needs included: bounded, it only reserves address space.
constexpr std::size_t kMostReserved = 100'000;

}  // namespace

StepStream::StepStream(std::string file) : reader_(std::move(file), diagnostics_) {
  items_.key = "steps";
  items_.take = [this](Node item) {
    // Room for every step at once: growing by doubling would hold the old and the new
    // array together, twice the steps' memory at the peak.
    if (steps_.capacity() == 0) steps_.reserve(std::min(items_.expected, kMostReserved));
    if (auto step = load_step(reader_, item, "")) steps_.push_back(std::move(*step));
  };
  items_.restart = [this] {
    steps_.clear();
    diagnostics_ = Diagnostics{};
  };
}

void StepStream::take_steps(std::vector<Step>& steps, Diagnostics& diagnostics) {
  steps = std::move(steps_);
  steps_.clear();
  for (const Diagnostic& diagnostic : diagnostics_.items()) diagnostics.add(diagnostic);
  diagnostics_ = Diagnostics{};
}

}  // namespace flowrun
