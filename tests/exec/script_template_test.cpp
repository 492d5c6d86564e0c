#include "core/exec/script_template.hpp"

#include <doctest/doctest.h>

using namespace flowrun;

namespace {

std::string rewrite(const std::string& script, bool posix = true) {
  expr::Template tmpl;
  REQUIRE_FALSE(expr::parse_template(script, tmpl));
  return rewrite_script(tmpl, posix);
}

}  // namespace

TEST_CASE("each expression of a run script becomes a variable reference quoted for its place") {
  CHECK(rewrite("echo ${{ a }}") == "echo \"${FLOWRUN_EXPR_1}\"");
  CHECK(rewrite("echo \"x ${{ a }} y\"") == "echo \"x ${FLOWRUN_EXPR_1} y\"");
  CHECK(rewrite("echo 'x ${{ a }} y'") == "echo 'x '\"${FLOWRUN_EXPR_1}\"' y'");
  CHECK(rewrite("echo $'x ${{ a }}'") == "echo $'x '\"${FLOWRUN_EXPR_1}\"$''");
  CHECK(rewrite("echo ${{ a }} ${{ b }}") == "echo \"${FLOWRUN_EXPR_1}\" \"${FLOWRUN_EXPR_2}\"");
  CHECK(rewrite("echo \"$(basename ${{ a }})\"") == "echo \"$(basename \"${FLOWRUN_EXPR_1}\")\"");
  CHECK(rewrite("echo `echo ${{ a }}`") == "echo `echo \"${FLOWRUN_EXPR_1}\"`");
  CHECK(rewrite("echo \\' ${{ a }}") == "echo \\' \"${FLOWRUN_EXPR_1}\"");
  CHECK(rewrite("echo \"it's ${{ a }}\"") == "echo \"it's ${FLOWRUN_EXPR_1}\"");
}

TEST_CASE("here-documents: unquoted ones expand the reference, quoted ones keep it as text") {
  CHECK(rewrite("cat <<EOF\n'${{ a }}'\nEOF\necho ${{ b }}") ==
        "cat <<EOF\n'${FLOWRUN_EXPR_1}'\nEOF\necho \"${FLOWRUN_EXPR_2}\"");
  CHECK(rewrite("cat <<-'END'\n\t${{ a }}\n\tEND\necho '${{ b }}'") ==
        "cat <<-'END'\n\t${FLOWRUN_EXPR_1}\n\tEND\necho ''\"${FLOWRUN_EXPR_2}\"''");
  CHECK(rewrite("# it's a comment ${{ a }}\necho ${{ b }}") ==
        "# it's a comment ${FLOWRUN_EXPR_1}\necho \"${FLOWRUN_EXPR_2}\"");
}

TEST_CASE("other shells get a plain reference; the shell names are recognised") {
  CHECK(rewrite("print('${{ a }}')", false) == "print('${FLOWRUN_EXPR_1}')");
  CHECK(is_posix_shell_command(""));
  CHECK(is_posix_shell_command("bash -eo pipefail"));
  CHECK(is_posix_shell_command("/usr/bin/zsh"));
  CHECK_FALSE(is_posix_shell_command("python3"));
  CHECK_FALSE(is_posix_shell_command("pwsh -Command"));
}
