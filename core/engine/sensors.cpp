#include "core/engine/sensors.hpp"

#include <sys/stat.h>

#include "core/asl/timestamp.hpp"

namespace flowrun {

std::optional<SensorSpec> read_sensor(const nlohmann::json& config, std::string& cause) {
  SensorSpec spec;
  if (auto interval = config.find("interval"); interval != config.end()) {
    spec.interval_ms = std::max<std::int64_t>(1, interval->get<std::int64_t>());
  }
  if (auto backoff = config.find("backoff"); backoff != config.end()) {
    spec.backoff = backoff->get<double>();
  }
  if (auto soft = config.find("soft_fail"); soft != config.end())
    spec.soft_fail = soft->get<bool>();
  if (auto duration = config.find("duration"); duration != config.end()) {
    spec.kind = SensorSpec::Kind::Duration;
    spec.duration_ms = duration->get<std::int64_t>();
    return spec;
  }
  if (auto until = config.find("until"); until != config.end()) {
    const std::string text = until->get<std::string>();
    auto instant = asl::parse_timestamp(text);
    if (!instant) {
      cause = "wait: 'until' must be an RFC 3339 timestamp such as 2026-11-25T18:00:00Z, not '" +
              text + "'";
      return std::nullopt;
    }
    spec.kind = SensorSpec::Kind::Until;
    spec.until_ms = instant->seconds * 1000 + instant->nanos / 1000000;
    return spec;
  }
  const nlohmann::json probe = config.value("for", nlohmann::json::object());
  if (probe.contains("file")) {
    spec.kind = SensorSpec::Kind::File;
    spec.path = probe["file"].get<std::string>();
    spec.min_size = probe.value("min_size", std::int64_t{0});
    spec.stable_for_ms = probe.value("stable_for", std::int64_t{0});
    return spec;
  }
  if (probe.contains("command")) {
    spec.kind = SensorSpec::Kind::Command;
    spec.command = probe["command"];
    return spec;
  }
  if (probe.contains("http")) {
    spec.kind = SensorSpec::Kind::Http;
    spec.url = probe["http"].get<std::string>();
    return spec;
  }
  cause = "wait: nothing to wait for";
  return std::nullopt;
}

bool check_file(const SensorSpec& spec, const std::string& path, std::int64_t now_ns,
                FileProbe& probe) {
  struct stat info {};
  std::int64_t size = -1;
  std::int64_t mtime = 0;
  if (stat(path.c_str(), &info) == 0) {
    size = static_cast<std::int64_t>(info.st_size);
    mtime = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  }
  if (size != probe.size || mtime != probe.mtime_ns) {
    probe.size = size;
    probe.mtime_ns = mtime;
    probe.unchanged_since_ns = now_ns;
  }
  if (size < 0 || size < spec.min_size) return false;
  return now_ns - probe.unchanged_since_ns >= spec.stable_for_ms * 1000000;
}

}  // namespace flowrun
