#include "core/load/secrets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/load/param_values.hpp"

namespace flowrun {
namespace {

constexpr std::size_t kMaxSecretBytes = 1 << 20;

std::string_view name_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

const std::string* find_variable(const std::vector<std::string>& environment,
                                 std::string_view name) {
  for (const std::string& entry : environment) {
    if (entry.find('=') != std::string::npos && name_of(entry) == name) return &entry;
  }
  return nullptr;
}

std::string read_secret_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return {};
  }
  std::string text;
  text.resize(kMaxSecretBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    error = "read error";
    return {};
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxSecretBytes) {
    error = "larger than 1 MiB";
    return {};
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace

ResolvedSecrets resolve_secrets(const Workflow& workflow,
                                const std::vector<std::string>& environment) {
  ResolvedSecrets out;
  for (const Secret& secret : workflow.secrets) {
    std::string value;
    if (secret.from_env) {
      const std::string* entry = find_variable(environment, *secret.from_env);
      if (!entry) {
        out.errors.push_back(fmt::format("secret '{}': the environment variable '{}' is not set",
                                         secret.name, *secret.from_env));
        continue;
      }
      value = entry->substr(secret.from_env->size() + 1);
      if (value.empty()) {
        out.errors.push_back(fmt::format("secret '{}': the environment variable '{}' is empty",
                                         secret.name, *secret.from_env));
        continue;
      }
    } else if (secret.from_file) {
      std::filesystem::path path(*secret.from_file);
      if (path.is_relative() && !workflow.dir.empty()) path = workflow.dir / path;
      std::string error;
      value = read_secret_file(path.string(), error);
      if (!error.empty()) {
        out.errors.push_back(
            fmt::format("secret '{}': cannot read '{}': {}", secret.name, path.string(), error));
        continue;
      }
      if (value.empty()) {
        out.errors.push_back(
            fmt::format("secret '{}': the file '{}' is empty", secret.name, path.string()));
        continue;
      }
    } else {
      continue;  // reported by validation
    }
    out.values[secret.name] = std::move(value);
  }
  return out;
}

std::vector<std::string> without_secret_sources(const Workflow& workflow,
                                                std::vector<std::string> environment) {
  if (workflow.secrets.empty()) return environment;
  std::erase_if(environment, [&](const std::string& entry) {
    std::string_view name = name_of(entry);
    return std::any_of(workflow.secrets.begin(), workflow.secrets.end(),
                       [&](const Secret& s) { return s.from_env && *s.from_env == name; });
  });
  return environment;
}

std::vector<std::string> mask_values(const std::vector<Param>& declared,
                                     const nlohmann::json& params, const nlohmann::json& secrets) {
  std::vector<std::string> values = secret_values(declared, params);
  for (const auto& [name, value] : secrets.items()) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
      values.push_back(value.get<std::string>());
    }
  }
  // Longest first, so a secret that contains another is hidden whole.
  std::sort(values.begin(), values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace flowrun
