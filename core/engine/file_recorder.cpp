#include "core/engine/file_recorder.hpp"

#include "core/report/run_summary.hpp"

namespace flowrun {

void FileRecorder::write_summary(const RunState& state) {
  AtomicFile file(folder_.path() + "/summary.json");
  write_run_summary(workflow_, state, [&](std::string_view piece) { file.write(piece); });
  file.write("\n");
  file.commit();
}

}  // namespace flowrun
