#pragma once

#include <curl/curl.h>

namespace flowrun {

/// The libcurl functions flowrun calls, resolved from libcurl.so.4 on first use.
///
/// Linking libcurl would load about 30 shared libraries (TLS, LDAP, Kerberos, SSH, IDN...)
/// into every flowrun process: start-up took three times as long and peak memory doubled,
/// for the few runs that make an HTTP call. Loading it when the first http or llm step
/// starts keeps that cost on those runs only.
struct CurlLibrary {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_multi_init) multi_init = nullptr;
  decltype(&::curl_multi_setopt) multi_setopt = nullptr;
  decltype(&::curl_multi_add_handle) multi_add_handle = nullptr;
  decltype(&::curl_multi_remove_handle) multi_remove_handle = nullptr;
  decltype(&::curl_multi_socket_action) multi_socket_action = nullptr;
  decltype(&::curl_multi_info_read) multi_info_read = nullptr;
  decltype(&::curl_multi_cleanup) multi_cleanup = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  decltype(&::curl_getdate) getdate = nullptr;
};

/// Loads libcurl once (thread-safe) and returns its functions; throws Error naming the
/// library and the Debian package when it cannot be loaded.
const CurlLibrary& curl_library();

}  // namespace flowrun
