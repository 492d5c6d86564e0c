#include "core/exec/curl_library.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "core/util/error.hpp"

namespace flowrun {
namespace {

constexpr const char* kLibraryName = "libcurl.so.4";

template <typename Function>
void resolve(void* handle, const char* name, Function& out, std::string& missing) {
  void* symbol = dlsym(handle, name);
  if (!symbol && missing.empty()) missing = name;
  out = reinterpret_cast<Function>(symbol);
}

CurlLibrary load(std::string& error) {
  CurlLibrary lib;
  // Never unloaded: libcurl keeps global state for the process's lifetime.
  void* handle = dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    error = std::string("cannot load ") + kLibraryName +
            " (Debian package libcurl4): " + (reason ? reason : "unknown error");
    return lib;
  }
  std::string missing;
  resolve(handle, "curl_global_init", lib.global_init, missing);
  resolve(handle, "curl_easy_init", lib.easy_init, missing);
  resolve(handle, "curl_easy_setopt", lib.easy_setopt, missing);
  resolve(handle, "curl_easy_getinfo", lib.easy_getinfo, missing);
  resolve(handle, "curl_easy_cleanup", lib.easy_cleanup, missing);
  resolve(handle, "curl_easy_strerror", lib.easy_strerror, missing);
  resolve(handle, "curl_multi_init", lib.multi_init, missing);
  resolve(handle, "curl_multi_setopt", lib.multi_setopt, missing);
  resolve(handle, "curl_multi_add_handle", lib.multi_add_handle, missing);
  resolve(handle, "curl_multi_remove_handle", lib.multi_remove_handle, missing);
  resolve(handle, "curl_multi_socket_action", lib.multi_socket_action, missing);
  resolve(handle, "curl_multi_info_read", lib.multi_info_read, missing);
  resolve(handle, "curl_multi_cleanup", lib.multi_cleanup, missing);
  resolve(handle, "curl_slist_append", lib.slist_append, missing);
  resolve(handle, "curl_slist_free_all", lib.slist_free_all, missing);
  resolve(handle, "curl_getdate", lib.getdate, missing);
  if (!missing.empty()) {
    error = std::string(kLibraryName) + " has no " + missing + " (libcurl 7.85 or newer needed)";
    return lib;
  }
  if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) error = "cannot initialise libcurl";
  return lib;
}

}  // namespace

const CurlLibrary& curl_library() {
  static std::once_flag once;
  static CurlLibrary library;
  static std::string error;
  std::call_once(once, [] { library = load(error); });
  if (!error.empty()) throw Error(error);
  return library;
}

}  // namespace flowrun
