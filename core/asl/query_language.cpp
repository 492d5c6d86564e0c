#include "core/asl/query_language.hpp"

namespace flowrun::asl {

bool uses_jsonata(const Node& node, bool inherited) {
  const Node* language = node.find("QueryLanguage");
  if (!language || !language->is_string()) return inherited;
  if (language->text == "JSONata") return true;
  if (language->text == "JSONPath") return false;
  return inherited;  // an unknown name: validate reports it
}

}  // namespace flowrun::asl
