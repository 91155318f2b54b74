#include "templates/labels.hpp"

#include <docpipe/sdk/labels.hpp>
#include <unordered_map>

#include "templates/template.hpp"  // KeyHash

namespace docpipe::templates {

std::string label_key(std::string_view label) {
  // The same labels come back in every report of a template: a bounded
  // per-thread memo saves the normalisation (label_key is a pure function).
  thread_local std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>> memo;
  if (const auto it = memo.find(label); it != memo.end()) return it->second;
  if (memo.size() >= 20000) memo.clear();
  std::string key = compute_label_key(label);
  memo.emplace(std::string(label), key);
  return key;
}

std::string compute_label_key(std::string_view label) { return sdk::label_key(label); }

}  // namespace docpipe::templates
