#include "engine/report_meta.hpp"

#include <unicode/utf8.h>

#include <cstdint>
#include <docpipe/sdk/text.hpp>
#include <regex>

namespace docpipe::engine {
namespace {

std::string without_spaces(std::string_view s) {
  // Copies the UTF-8 of every character that is not white space, undecoded.
  std::string out;
  out.reserve(s.size());
  const auto *p = reinterpret_cast<const uint8_t *>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD, as decoding would give
      continue;
    }
    if (!sdk::is_space(static_cast<char32_t>(c))) out.append(s.data() + start, static_cast<size_t>(i - start));
  }
  return out;
}

}  // namespace

ReportMeta report_metadata(const sdk::RawDocument &body) {
  ReportMeta report;
  std::vector<std::string> texts;
  for (const sdk::Block &b : body.blocks()) {
    if (b.kind != sdk::Block::Kind::table) texts.push_back(without_spaces(b.text));
    if (texts.size() >= 12) break;
  }
  // The title is the first short block that names a report; a title wrapped
  // over two blocks is joined.
  std::string title;
  auto short_block = [&](size_t i, size_t max) { return sdk::to_u32(texts[i]).size() <= max; };
  for (size_t i = 0; i < texts.size() && title.empty(); ++i)
    if (short_block(i, 60) && texts[i].find("年度报告") != std::string::npos) {
      title = texts[i];
      // "2020年环翠区信访局" / "政府信息公开工作年度报告": a title whose first
      // part (issuer and year) sits in the block before.
      if (title.rfind("政府信息公开", 0) == 0 && i > 0 && short_block(i - 1, 30) &&
          texts[i - 1].find("。") == std::string::npos)
        title = texts[i - 1] + title;
    }
  for (size_t i = 0; i + 1 < texts.size() && title.empty(); ++i)
    if (short_block(i, 40) && short_block(i + 1, 40) && (texts[i] + texts[i + 1]).find("年度报告") != std::string::npos)
      title = texts[i] + texts[i + 1];
  if (!title.empty()) {
    report.title = title;
    static const std::regex year_re("((?:19|20)[0-9]{2})(?:年度|年)");
    std::smatch m;
    if (std::regex_search(title, m, year_re)) {
      report.year = m[1].str();
      // The issuing body is what remains of the title around the year and
      // the report's name ("南关区红十字会", "宝山红旗街道办事处").
      std::string agency = m.prefix().str() + m.suffix().str();
      for (const char *tail : {"政府信息公开工作年度报告", "政府信息公开年度报告", "信息公开工作年度报告"}) {
        const size_t at = agency.rfind(tail);
        if (at != std::string::npos) {
          agency.erase(at);
          break;
        }
      }
      report.agency = agency;
    }
  }
  // The date is the last "YYYY年M月D日" line of the body (the sign-off).
  static const std::regex date_re("^((?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日)$");
  std::string date;
  for (const sdk::Block &b : body.blocks()) {
    if (b.kind != sdk::Block::Kind::paragraph) continue;
    const std::string t = without_spaces(b.text);
    std::smatch m;
    if (std::regex_match(t, m, date_re)) date = m[1].str();
  }
  report.date = date;
  return report;
}

}  // namespace docpipe::engine
