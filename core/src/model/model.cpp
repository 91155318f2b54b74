#include "model/model.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <docpipe/sdk/text.hpp>
#include <regex>

#include "error.hpp"

namespace docpipe::model {
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

Verdict judge(const sdk::RawDocument &body, const templates::Mapping &m, const std::vector<templates::Check> &checks) {
  using namespace templates;
  Verdict v;
  auto &reasons = v.reasons;
  if (m.tmpl == nullptr) reasons.push_back({"no-template", "no report template recognised"});
  std::vector<size_t> absent(m.tmpl ? m.tables.size() : 0, 0);
  size_t aligned_with_data = 0;
  for (const Record &r : m.records) {
    if (r.placement == Placement::absent) absent[r.cell.table]++;
    if (r.placement == Placement::aligned && r.value.state != CellState::blank) aligned_with_data++;
  }
  if (m.tmpl != nullptr)
    for (size_t ti = 0; ti < m.tables.size(); ++ti) {
      const std::string &name = m.tables[ti]->name;
      if (!m.table_seen[ti])
        reasons.push_back({"table-missing", "table " + name + " not found"});
      else if (absent[ti] > 0)
        reasons.push_back({"absent-cells", std::to_string(absent[ti]) + " cells of " + name +
                                               " have no counterpart in the source (left blank)"});
    }
  if (aligned_with_data > 0)
    reasons.push_back({"ambiguous-placement",
                       std::to_string(aligned_with_data) + " values placed by alignment on rows with missing cells"});
  size_t data_unmapped = 0;
  for (const Unmapped &u : m.unmapped) data_unmapped += u.holds_data;
  if (data_unmapped > 0)
    reasons.push_back(
        {"unmapped-cells", std::to_string(data_unmapped) + " source rows or cells with values fit no template cell"});
  size_t failed = 0, tie_breaks = 0;
  for (const Check &c : checks) {
    failed += c.result == CheckResult::fail;
    tie_breaks += c.tie_break;
  }
  if (failed > 0) reasons.push_back({"failed-identity", std::to_string(failed) + " accounting identities fail"});
  if (tie_breaks > 0)
    reasons.push_back({"tie-break", std::to_string(tie_breaks) +
                                        " identities were used to place values and are not independent checks"});
  // Diagnostics that declare a doubt about the data (a cell may be wrong or
  // missing): the input plugin's (doubt="true", and every error) and the
  // template stage's own. Read from the declaration, never from a code name.
  size_t doubtful = 0;
  for (const sdk::Diagnostic &d : body.diagnostics())
    if (d.severity == sdk::Severity::error || d.doubt) ++doubtful;
  for (const Finding &f : m.findings) doubtful += f.doubt;
  if (doubtful > 0)
    reasons.push_back(
        {"input-doubts", std::to_string(doubtful) + " ambiguous or failed parts of the input (see diagnostics)"});
  return v;
}

sdk::model::Document assemble(const Provenance &p, const DecodedText &text, const ReportMeta &report,
                              sdk::RawDocument body, const templates::Mapping &m,
                              const std::vector<templates::Check> &checks, const Verdict &verdict) {
  using namespace templates;
  namespace sm = sdk::model;
  // The template stage's enums name the same things in the same order.
  static_assert(int(sm::Placement::direct) == int(Placement::direct) &&
                int(sm::Placement::aligned) == int(Placement::aligned) &&
                int(sm::Placement::tie_break) == int(Placement::tie_break) &&
                int(sm::Placement::header_only) == int(Placement::header_only) &&
                int(sm::Placement::absent) == int(Placement::absent) &&
                int(sm::Placement::override_) == int(Placement::override_));
  static_assert(int(sm::CheckResult::pass) == int(CheckResult::pass) &&
                int(sm::CheckResult::blank_pass) == int(CheckResult::blank_pass) &&
                int(sm::CheckResult::fail) == int(CheckResult::fail));
  sm::Document doc;
  // Paths are bytes (a GBK file name is not UTF-8): shown by the SDK's one
  // reversible escape, never raw.
  doc.metadata.source = {sdk::escape_bytes(p.path), sdk::escape_bytes(p.name), p.sha256, p.bytes};
  doc.metadata.encoding = {text.encoding, text.bom, text.line_endings, text.decision};
  doc.metadata.input = {p.plugin, p.plugin_version, p.confidence};
  doc.metadata.report = {report.title, report.title.empty() ? "" : report.year,
                         report.title.empty() ? "" : report.agency, report.date, report.agency_key};
  doc.metadata.producer = {"docpipe", DOCPIPE_VERSION};
  doc.body = std::move(body);
  if (m.tmpl != nullptr) {
    // Each table seen, with the layout it matched (the template's own or a variant).
    sm::TemplateRef ref{m.tmpl->id, m.tmpl->title, {}};
    for (size_t ti = 0; ti < m.tables.size(); ++ti)
      if (m.table_seen[ti])
        ref.tables.push_back(
            {m.tables[ti]->id, m.tables[ti]->name, m.tables[ti]->variant, m.tables[ti]->corner, m.tables[ti]->band});
    doc.tmpl = std::move(ref);
  }
  doc.records.reserve(m.records.size());
  for (const Record &r : m.records) {
    const Table &tab = *m.tables[r.cell.table];
    const Section &sec = tab.sections[r.cell.section];
    sm::Record rec;
    rec.table = tab.name;
    rec.row = sec.rows[r.cell.row].path;
    rec.column = sec.columns[r.cell.column].path;
    rec.value = r.value.raw;
    rec.state = r.value.state;
    if (r.value.state == CellState::number) rec.number = r.value.number;
    rec.unit = r.value.unit;
    rec.placement = static_cast<sm::Placement>(r.placement);
    if (r.placement == Placement::override_) {  // a correction by hand: where it is, why, what was read
      rec.origin = sdk::escape_bytes(r.origin);
      rec.note = r.note;
      rec.read = r.read;
      rec.had_read = r.had_read;
    }
    if (r.placement != Placement::absent && r.first_line > 0)
      rec.lines = {r.first_line, r.last_line > 0 ? r.last_line : r.first_line};
    doc.records.push_back(std::move(rec));
  }
  for (const Unmapped &u : m.unmapped) doc.unmapped.push_back({{u.first_line, u.last_line}, u.reason, u.text});
  for (const Check &c : checks) {
    sm::Check ch;
    ch.identity = c.identity->id;
    ch.table = m.tables[c.table]->name;
    ch.row = c.row;
    ch.column = c.column;
    ch.result = static_cast<sm::CheckResult>(c.result);
    ch.expected = format_number(c.expected);
    ch.actual = format_number(c.actual);
    ch.tie_break = c.tie_break;
    // The cells involved, by record: each cell's text is in its record.
    for (const CheckTerm &t : c.terms) {
      if (t.record == nullptr) continue;
      (t.expected_side ? ch.expected_cells : ch.actual_cells)
          .push_back(static_cast<size_t>(t.record - m.records.data()));
    }
    doc.checks.push_back(std::move(ch));
  }
  doc.verdict.ok = verdict.ok();
  for (const auto &[code, reason] : verdict.reasons) doc.verdict.reasons.push_back({code, reason});
  for (const Finding &f : m.findings) {
    const sdk::Severity sev = f.severity == "info"    ? sdk::Severity::info
                              : f.severity == "error" ? sdk::Severity::error
                                                      : sdk::Severity::warning;
    doc.diagnostics.push_back({sev, f.line, f.code, f.message, f.doubt});
  }
  return doc;
}

}  // namespace docpipe::model
