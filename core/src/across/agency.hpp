// Agency identity across reports: one key per issuing body, so that the
// reports of one agency's years can be put side by side (docs/cross-year.md).
//
// The rule (one place, agency_key): start from the agency the model found
// in the title (the title when none), then
//   1. the SDK's label key: NFKC (full-width brackets and digits folded),
//      white space and punctuation removed;
//   2. every year removed: 2020年度, 2020年, ２０２０, 二〇二〇年 (whether
//      before or after the name);
//   3. the title's fixed words removed: 政府信息公开工作年度报告 and its
//      shorter forms, a leading 关于, a trailing 关于 or 的;
//   4. the aliases file (optional), whose `alias` and `agency` columns are
//      keyed by steps 1-3 too: an alias maps to its agency's key.
// Nothing else is guessed: 洪泽区人民政府 and 淮安市洪泽区人民政府 are two
// keys unless the aliases file says they are one (a name without its city
// is ambiguous: 鼓楼区 is in Nanjing, Fuzhou, Xuzhou and Kaifeng).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

namespace docpipe::across {

// The aliases file: CSV, UTF-8 (BOM allowed), a record `alias,agency` per
// line, an optional header line `alias,agency`. Errors (exit 78) name the
// file and line: a record without two fields, an empty name, a name whose
// key is empty, an alias given twice with different agencies, an agency
// that is itself an alias.
class Aliases {
 public:
  Aliases() = default;
  static Aliases load(const std::filesystem::path &file);
  // The agency key an alias key maps to, or the key itself.
  const std::string &resolve(const std::string &key) const;
  bool empty() const { return map_.empty(); }
  const std::string &digest() const { return digest_; }  // SHA-256 of the file ("" without one)
  const std::filesystem::path &file() const { return file_; }

 private:
  std::unordered_map<std::string, std::string> map_;
  std::string digest_;
  std::filesystem::path file_;
};

// Steps 1-3: the key of a name (an agency, or a title without one).
std::string normalise_agency(std::string_view name);

// The report's agency key: steps 1-4 on `agency`, or on `title` when the
// agency is empty. "" when nothing names the agency.
std::string agency_key(std::string_view agency, std::string_view title, const Aliases &aliases);

}  // namespace docpipe::across
