#pragma once

#include <string>
#include <string_view>

#include "core/expr/template.hpp"

namespace flowrun {

/// The name of the environment variable that carries the value of the `n`-th (1-based)
/// expression of a `run:` script: FLOWRUN_EXPR_<n>.
std::string script_variable(std::size_t n);

/// Rewrites a `run:` script so that its n-th `${{ }}` becomes a reference to the environment
/// variable script_variable(n). Values therefore reach the shell only as parameter
/// expansions and are never parsed as shell code, whatever they hold.
///
/// For a POSIX shell the reference is quoted for where it stands, so that it expands to
/// exactly the value (no word splitting, no globbing): `"${V}"` outside quotes, `${V}` inside
/// double quotes and unquoted here-documents, `'"${V}"'` inside single quotes (closing and
/// reopening them), `'"${V}"$'` inside `$'...'`. Inside a quoted here-document (`<<'EOF'`)
/// nothing expands, so the reference stays as text. For other shells the reference is `${V}`.
std::string rewrite_script(const expr::Template& script, bool posix_shell);

/// True when the shell command line (as written in `shell:`; "" is /bin/sh) runs a POSIX
/// shell: sh, bash, dash, ash, ksh, mksh or zsh.
bool is_posix_shell_command(std::string_view shell);

}  // namespace flowrun
