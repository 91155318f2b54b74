#include "across/agency.hpp"

#include <cstring>
#include <docpipe/sdk/labels.hpp>
#include <docpipe/sdk/text.hpp>
#include <regex>

#include "error.hpp"
#include "util/csv.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"

namespace docpipe::across {
namespace {

// Years as a title writes them, after NFKC (full-width digits are ASCII by
// then): 2020年度, 2020年, a bare 2020, 二〇二〇年度.
const std::wregex &year_pattern() {
  static const std::wregex re(L"(?:19|20)[0-9]{2}(?:年度|年)?|[〇零一二三四五六七八九]{4}(?:年度|年)");
  return re;
}

}  // namespace

std::string normalise_agency(std::string_view name) {
  std::u32string k = sdk::to_u32(sdk::label_key(name));
  // std::regex has no char32_t flavour; wchar_t is 32 bits on Linux.
  std::wstring w(k.begin(), k.end());
  w = std::regex_replace(w, year_pattern(), L"");
  for (const wchar_t *fixed : {L"政府信息公开工作年度报告", L"政府信息公开年度报告", L"信息公开工作年度报告",
                               L"信息公开年度报告", L"工作年度报告", L"年度报告"}) {
    const std::wstring f(fixed);
    for (size_t at = w.find(f); at != std::wstring::npos; at = w.find(f)) w.erase(at, f.size());
  }
  if (w.rfind(L"关于", 0) == 0) w.erase(0, 2);
  for (const std::wstring tail : {L"关于", L"的"})
    if (w.size() > tail.size() && w.compare(w.size() - tail.size(), tail.size(), tail) == 0)
      w.erase(w.size() - tail.size());
  return sdk::to_utf8(std::u32string(w.begin(), w.end()));
}

std::string agency_key(std::string_view agency, std::string_view title, const Aliases &aliases) {
  const std::string key = normalise_agency(agency.empty() ? title : agency);
  return key.empty() ? key : aliases.resolve(key);
}

const std::string &Aliases::resolve(const std::string &key) const {
  const auto it = map_.find(key);
  return it == map_.end() ? key : it->second;
}

Aliases Aliases::load(const std::filesystem::path &file) {
  Aliases a;
  a.file_ = file;
  std::string text;
  if (const int err = read_whole_file(file, text); err != 0)
    throw Error(ExitCode::no_input, file.string() + ": the agency aliases file cannot be read: " + std::strerror(err));
  if (const size_t bad = sdk::invalid_utf8_at(text); bad != std::string::npos)
    throw Error(ExitCode::config,
                file.string() + ": the agency aliases file is not UTF-8 (byte " + std::to_string(bad) + ")");
  a.digest_ = sha256_hex(text);
  std::unordered_map<std::string, size_t> line_of;  // alias key -> its line
  std::vector<std::pair<std::string, size_t>> targets;
  for (const CsvRecord &rec : read_csv_records(text, file.string())) {
    const size_t line = static_cast<size_t>(rec.line);
    const auto &f = rec.fields;
    const std::string_view first = f.empty() ? std::string_view() : sdk::trim_view(f[0]);
    if ((f.size() == 1 && sdk::is_blank(first)) || (!first.empty() && first.front() == '#'))
      continue;  // blank, comment
    const auto where = file.string() + ":" + std::to_string(line) + ": ";
    if (f.size() != 2) throw Error(ExitCode::config, where + "expected two fields, alias,agency");
    if (line_of.empty() && sdk::trim(f[0]) == "alias" && sdk::trim(f[1]) == "agency") continue;  // the header
    const std::string alias = normalise_agency(f[0]), agency = normalise_agency(f[1]);
    if (sdk::trim(f[0]).empty() || sdk::trim(f[1]).empty()) throw Error(ExitCode::config, where + "an empty name");
    if (alias.empty() || agency.empty())
      throw Error(ExitCode::config,
                  where + "'" + (alias.empty() ? f[0] : f[1]) +
                      "' names no agency once the year, punctuation and the title's words are removed");
    if (const auto it = a.map_.find(alias); it != a.map_.end() && it->second != agency)
      throw Error(ExitCode::config, where + "alias '" + f[0] + "' already maps to '" + it->second + "' (line " +
                                        std::to_string(line_of[alias]) + ")");
    if (alias == agency) continue;
    a.map_[alias] = agency;
    line_of.emplace(alias, line);
    targets.emplace_back(agency, line);
  }
  for (const auto &[agency, l] : targets)
    if (const auto it = line_of.find(agency); it != line_of.end())
      throw Error(ExitCode::config, file.string() + ":" + std::to_string(l) + ": agency '" + agency +
                                        "' is itself an alias (line " + std::to_string(it->second) +
                                        "); map every alias to the final name");
  return a;
}

}  // namespace docpipe::across
