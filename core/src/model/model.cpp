#include "model/model.hpp"

#include <unicode/utf8.h>

#include <cstdio>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <regex>
#include <sstream>

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

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void set_lines(pugi::xml_node n, int first, int last) {
  if (first <= 0) return;
  n.append_attribute("first-line") = first;
  n.append_attribute("last-line") = last > 0 ? last : first;
}

}  // namespace

pugi::xml_document assemble(const Provenance &p, const DecodedText &text, std::string_view body_xml) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("document");
  root.append_attribute("model-version") = kModelVersion;
  auto meta = root.append_child("metadata");
  auto src = meta.append_child("source");
  src.append_attribute("path") = p.path.c_str();
  src.append_attribute("name") = p.name.c_str();
  src.append_attribute("sha256") = p.sha256.c_str();
  src.append_attribute("bytes") = static_cast<unsigned long long>(p.bytes);
  auto enc = meta.append_child("encoding");
  enc.append_attribute("name") = text.encoding.c_str();
  enc.append_attribute("bom") = text.bom;
  enc.append_attribute("line-endings") = text.line_endings.c_str();
  enc.append_attribute("decision") = text.decision.c_str();
  auto in = meta.append_child("input");
  in.append_attribute("plugin") = p.plugin.c_str();
  in.append_attribute("version") = p.plugin_version.c_str();
  in.append_attribute("confidence") = fixed(p.confidence).c_str();
  meta.append_child("report");
  auto prod = meta.append_child("producer");
  prod.append_attribute("name") = "docpipe";
  prod.append_attribute("version") = DOCPIPE_VERSION;

  const pugi::xml_parse_result r =
      root.append_buffer(body_xml.data(), body_xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r)
    throw Error(ExitCode::plugin_unavailable, "input plugin '" + p.plugin + "' produced a malformed model: " +
                                                  r.description() + " at byte " + std::to_string(r.offset));
  if (!root.child("body") || root.child("body").next_sibling("body"))
    throw Error(ExitCode::plugin_unavailable, "input plugin '" + p.plugin + "' must produce exactly one <body>");
  return doc;
}

void add_report_metadata(pugi::xml_document &doc) {
  auto root = doc.child("document");
  auto report = root.child("metadata").child("report");
  std::vector<std::string> texts;
  for (auto b : root.child("body").children()) {
    const std::string name = b.name();
    if (name == "heading" || name == "paragraph") texts.push_back(without_spaces(b.text().as_string()));
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
    report.append_attribute("title") = title.c_str();
    static const std::regex year_re("((?:19|20)[0-9]{2})(?:年度|年)");
    std::smatch m;
    if (std::regex_search(title, m, year_re)) {
      report.append_attribute("year") = m[1].str().c_str();
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
      if (!agency.empty()) report.append_attribute("agency") = agency.c_str();
    }
  }
  // The date is the last "YYYY年M月D日" line of the body (the sign-off).
  static const std::regex date_re("^((?:19|20)[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日)$");
  std::string date;
  for (auto b : root.child("body").children("paragraph")) {
    const std::string t = without_spaces(b.text().as_string());
    std::smatch m;
    if (std::regex_match(t, m, date_re)) date = m[1].str();
  }
  if (!date.empty()) report.append_attribute("date") = date.c_str();
}

void add_template_results(pugi::xml_document &doc, const templates::Mapping &m,
                          const std::vector<templates::Check> &checks) {
  using namespace templates;
  auto root = doc.child("document");
  std::vector<std::pair<std::string, std::string>> reasons;  // code, text
  if (m.tmpl != nullptr) {
    auto t = root.append_child("template");
    t.append_attribute("id") = m.tmpl->id.c_str();
    t.append_attribute("title") = m.tmpl->title.c_str();
  } else {
    reasons.push_back({"no-template", "no report template recognised"});
  }
  auto records = root.append_child("records");
  std::vector<size_t> absent(m.tmpl ? m.tmpl->tables.size() : 0, 0);
  size_t aligned_with_data = 0;
  std::map<const Record *, std::string> record_id;
  for (const Record &r : m.records) {
    const Table &tab = m.tmpl->tables[r.cell.table];
    const Section &sec = tab.sections[r.cell.section];
    auto n = records.append_child("record");
    const std::string id = "c" + std::to_string(record_id.size() + 1);
    record_id[&r] = id;
    n.append_attribute("id") = id.c_str();
    n.append_attribute("table") = tab.name.c_str();
    n.append_attribute("row") = sec.rows[r.cell.row].path.c_str();
    n.append_attribute("column") = sec.columns[r.cell.column].path.c_str();
    n.append_attribute("value") = r.value.raw.c_str();
    n.append_attribute("state") = state_name(r.value.state);
    if (r.value.state == CellState::number) n.append_attribute("number") = r.value.number.c_str();
    if (!r.value.unit.empty()) n.append_attribute("unit") = r.value.unit.c_str();
    n.append_attribute("placement") = placement_name(r.placement);
    if (r.placement != Placement::absent) set_lines(n, r.first_line, r.last_line);
    if (r.placement == Placement::absent) absent[r.cell.table]++;
    if (r.placement == Placement::aligned && r.value.state != CellState::blank) aligned_with_data++;
  }
  if (m.tmpl != nullptr)
    for (size_t ti = 0; ti < m.tmpl->tables.size(); ++ti) {
      const std::string name = m.tmpl->tables[ti].name;
      if (!m.table_seen[ti])
        reasons.push_back({"table-missing", "table " + name + " not found"});
      else if (absent[ti] > 0)
        reasons.push_back({"absent-cells", std::to_string(absent[ti]) + " cells of " + name +
                                               " have no counterpart in the source (left blank)"});
    }
  if (aligned_with_data > 0)
    reasons.push_back({"ambiguous-placement",
                       std::to_string(aligned_with_data) + " values placed by alignment on rows with missing cells"});

  auto unmapped = root.append_child("unmapped");
  size_t data_unmapped = 0;
  for (const Unmapped &u : m.unmapped) {
    auto n = unmapped.append_child("item");
    set_lines(n, u.first_line, u.last_line);
    n.append_attribute("reason") = u.reason.c_str();
    n.text() = u.text.c_str();
    data_unmapped += u.holds_data;
  }
  if (data_unmapped > 0)
    reasons.push_back(
        {"unmapped-cells", std::to_string(data_unmapped) + " source rows or cells with values fit no template cell"});

  auto checks_node = root.append_child("checks");
  size_t failed = 0, tie_breaks = 0;
  for (const Check &c : checks) {
    auto n = checks_node.append_child("check");
    n.append_attribute("identity") = c.identity->id.c_str();
    n.append_attribute("table") = m.tmpl->tables[c.table].name.c_str();
    n.append_attribute("row") = c.row.c_str();
    n.append_attribute("column") = c.column.c_str();
    n.append_attribute("result") = check_result_name(c.result);
    n.append_attribute("expected") = format_number(c.expected).c_str();
    n.append_attribute("actual") = format_number(c.actual).c_str();
    n.append_attribute("tie-break") = c.tie_break;
    // The cells involved, by record id: compact, and each cell's text is in its record.
    std::string expected_cells, actual_cells;
    for (const CheckTerm &t : c.terms) {
      if (t.record == nullptr) continue;
      std::string &list = t.expected_side ? expected_cells : actual_cells;
      list += (list.empty() ? "" : " ") + record_id[t.record];
    }
    n.append_attribute("expected-cells") = expected_cells.c_str();
    n.append_attribute("actual-cells") = actual_cells.c_str();
    failed += c.result == CheckResult::fail;
    tie_breaks += c.tie_break;
  }
  if (failed > 0) reasons.push_back({"failed-identity", std::to_string(failed) + " accounting identities fail"});
  if (tie_breaks > 0)
    reasons.push_back({"tie-break", std::to_string(tie_breaks) +
                                        " identities were used to place values and are not independent checks"});

  // Input diagnostics that put the data in doubt.
  size_t doubtful = 0;
  for (auto d : root.child("body").children("diagnostic")) {
    const std::string sev = d.attribute("severity").as_string();
    if (sev == "error" || std::string(d.attribute("code").as_string()) == "ambiguous-column") ++doubtful;
  }
  for (const Finding &f : m.findings)
    if (f.code == "ambiguous-row" || f.code == "group-mismatch") ++doubtful;
  if (doubtful > 0)
    reasons.push_back(
        {"input-doubts", std::to_string(doubtful) + " ambiguous or failed parts of the input (see diagnostics)"});

  auto verdict = root.append_child("verdict");
  verdict.append_attribute("status") = reasons.empty() ? "ok" : "review";
  for (const auto &[code, text] : reasons) {
    auto r = verdict.append_child("reason");
    r.append_attribute("code") = code.c_str();
    r.text() = text.c_str();
  }
  auto diags = root.append_child("diagnostics");
  for (const Finding &f : m.findings) {
    auto d = diags.append_child("diagnostic");
    d.append_attribute("severity") = f.severity.c_str();
    d.append_attribute("line") = f.line;
    d.append_attribute("code") = f.code.c_str();
    d.text() = f.message.c_str();
  }
}

namespace {
struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void *data, size_t size) override { out.append(static_cast<const char *>(data), size); }
};
}  // namespace

std::string to_string(const pugi::xml_document &doc) {
  StringWriter w;
  w.out.reserve(128 * 1024);
  doc.save(w, "  ", pugi::format_default, pugi::encoding_utf8);
  return std::move(w.out);
}

}  // namespace docpipe::model
