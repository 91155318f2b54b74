#include "model/model.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <memory>
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

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Whether any of the 8 bytes at p is below 0x20 or one of the three given
// (bit tricks from "Bit Twiddling Hacks": exact for the any-byte question).
inline bool block_has_special(const char *p, uint8_t a, uint8_t b, uint8_t c) {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, 8);
  auto has_zero = [&](uint64_t v) { return (v - ones) & ~v & highs; };
  return (((x - ones * 0x20) & ~x & highs) | has_zero(x ^ (ones * a)) | has_zero(x ^ (ones * b)) |
          has_zero(x ^ (ones * c))) != 0;
}

// Offset of the first 8-byte block that may need escaping (a fast scan over
// the Chinese text that makes up most values), or the size rounded down.
inline size_t clean_prefix(std::string_view s, uint8_t a, uint8_t b, uint8_t c) {
  size_t i = 0;
  while (i + 8 <= s.size() && !block_has_special(s.data() + i, a, b, c)) i += 8;
  return i;
}

// Escapes as pugixml does (core_model_test compares the two): in an
// attribute &, < and " and every control character; in text &, < and > and
// the control characters other than TAB, LF and CR.
enum class Context { attribute, text };
template <Context kContext, class Out>
void escape(Out &out, std::string_view s) {
  constexpr bool attribute = kContext == Context::attribute;
  constexpr char third = attribute ? '"' : '>';
  auto plain = [](unsigned char c) {
    if (c == '&' || c == '<' || c == third) return false;
    return c >= 32 || (!attribute && (c == '\t' || c == '\n' || c == '\r'));
  };
  size_t from = 0;
  // (TAB, LF and CR stop the fast scan too; the byte loop lets them through)
  for (size_t i = clean_prefix(s, '&', '<', third); i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (plain(c)) continue;
    out.append(s.data() + from, i - from);
    from = i + 1;
    switch (c) {
      case '&':
        out.append("&amp;", 5);
        break;
      case '<':
        out.append("&lt;", 4);
        break;
      case '"':
        out.append("&quot;", 6);
        break;
      case '>':
        out.append("&gt;", 4);
        break;
      default:  // a control character, as pugixml writes it
        out.append("&#", 2);
        out.push_back(static_cast<char>('0' + c / 10));
        out.push_back(static_cast<char>('0' + c % 10));
        out.push_back(';');
    }
  }
  out.append(s.data() + from, s.size() - from);
}

// A growable byte buffer for the model text: appends are a capacity check
// and a memcpy (std::string's appends cost several times that, and a model
// is thousands of them). One per thread, reused from report to report.
class TextBuffer {
 public:
  void clear() { size_ = 0; }
  std::string_view view() const { return {data_.get(), size_}; }
  void reserve(size_t more) {
    if (size_ + more > capacity_) [[unlikely]]
      grow(more);
  }
  void append(const char *p, size_t n) {
    reserve(n);
    std::memcpy(data_.get() + size_, p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void push_back(char c) {
    reserve(1);
    data_[size_++] = c;
  }
  void spaces(size_t n) {
    reserve(n);
    std::memset(data_.get() + size_, ' ', n);
    size_ += n;
  }

 private:
  // Out of line, so that the appends above inline to a compare and a copy.
  [[gnu::noinline]] void grow(size_t more) {
    const size_t cap = std::max(capacity_ * 2, size_ + more + 4096);
    auto grown = std::make_unique<char[]>(cap);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = cap;
  }
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// Appends the model's XML in pugixml's layout: two spaces per level,
// `<e a="v" />` when empty, `<e a="v">text</e>` for text, children on lines.
// Names are string literals; values are escaped as pugixml escapes them.
class XmlText {
 public:
  explicit XmlText(TextBuffer &out) : out_(out) {}

  XmlText &open(std::string_view name, int depth) {
    out_.spaces(static_cast<size_t>(depth) * 2);
    out_.push_back('<');
    out_.append(name);
    return *this;
  }
  XmlText &attr(std::string_view name, std::string_view value) {
    begin_attr(name);
    escape<Context::attribute>(out_, value);
    out_.push_back('"');
    return *this;
  }
  // (without this, a string literal would convert to bool, not string_view)
  XmlText &attr(std::string_view name, const char *value) { return attr(name, std::string_view(value)); }
  XmlText &attr(std::string_view name, long long value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    return raw_attr(name, std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  XmlText &attr(std::string_view name, bool value) { return raw_attr(name, value ? "true" : "false"); }
  XmlText &lines(int first, int last) {
    if (first <= 0) return *this;
    attr("first-line", static_cast<long long>(first));
    return attr("last-line", static_cast<long long>(last > 0 ? last : first));
  }
  void empty() { out_.append(" />\n"); }
  void children() { out_.append(">\n"); }
  void text(std::string_view name, std::string_view text) {
    out_.push_back('>');
    escape<Context::text>(out_, text);
    out_.append("</");
    out_.append(name);
    out_.append(">\n");
  }
  void close(std::string_view name, int depth) {
    out_.spaces(static_cast<size_t>(depth) * 2);
    out_.append("</");
    out_.append(name);
    out_.append(">\n");
  }
  // A container: `<name />` when it will have no children, else `<name>`.
  void container(std::string_view name, int depth, bool has_children) {
    open(name, depth);
    has_children ? children() : empty();
  }

 private:
  void begin_attr(std::string_view name) {
    out_.reserve(name.size() + 3);
    out_.push_back(' ');
    out_.append(name);
    out_.append("=\"");
  }
  XmlText &raw_attr(std::string_view name, std::string_view value) {
    begin_attr(name);
    out_.append(value);
    out_.push_back('"');
    return *this;
  }
  TextBuffer &out_;
};

struct BufferWriter : pugi::xml_writer {
  explicit BufferWriter(TextBuffer &o) : out(o) {}
  TextBuffer &out;
  void write(const void *data, size_t size) override { out.append(static_cast<const char *>(data), size); }
};

}  // namespace

ReportMeta report_metadata(pugi::xml_node body) {
  ReportMeta report;
  std::vector<std::string> texts;
  for (auto b : body.children()) {
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
  for (auto b : body.children("paragraph")) {
    const std::string t = without_spaces(b.text().as_string());
    std::smatch m;
    if (std::regex_match(t, m, date_re)) date = m[1].str();
  }
  report.date = date;
  return report;
}

void append_escaped_attribute(std::string &out, std::string_view value) { escape<Context::attribute>(out, value); }
void append_escaped_text(std::string &out, std::string_view text) { escape<Context::text>(out, text); }

pugi::xml_node parse_body(pugi::xml_document &doc, const std::string &plugin, std::string_view body_xml) {
  const pugi::xml_parse_result r = doc.load_buffer(
      body_xml.data(), body_xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_utf8);
  if (!r)
    throw Error(ExitCode::plugin_unavailable, "input plugin '" + plugin + "' produced a malformed model: " +
                                                  r.description() + " at byte " + std::to_string(r.offset));
  const pugi::xml_node body = doc.first_child();
  if (std::string_view(body.name()) != "body" || body.next_sibling())
    throw Error(ExitCode::plugin_unavailable, "input plugin '" + plugin + "' must produce exactly one <body>");
  return body;
}

Verdict judge(pugi::xml_node body, const templates::Mapping &m, const std::vector<templates::Check> &checks) {
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
  for (auto d : body.children("diagnostic"))
    if (std::string_view(d.attribute("severity").as_string()) == "error" || d.attribute("doubt").as_bool()) ++doubtful;
  for (const Finding &f : m.findings) doubtful += f.doubt;
  if (doubtful > 0)
    reasons.push_back(
        {"input-doubts", std::to_string(doubtful) + " ambiguous or failed parts of the input (see diagnostics)"});
  return v;
}

std::string write_model(const Provenance &p, const DecodedText &text, const ReportMeta &report, pugi::xml_node body,
                        const templates::Mapping &m, const std::vector<templates::Check> &checks,
                        const Verdict &verdict) {
  using namespace templates;
  thread_local TextBuffer out;
  out.clear();
  XmlText x(out);
  out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  x.open("document", 0).attr("model-version", kModelVersion).children();
  x.open("metadata", 1).children();
  // Paths are bytes (a GBK file name is not UTF-8): shown by the SDK's one
  // reversible escape, never raw.
  x.open("source", 2)
      .attr("path", sdk::escape_bytes(p.path))
      .attr("name", sdk::escape_bytes(p.name))
      .attr("sha256", p.sha256)
      .attr("bytes", static_cast<long long>(p.bytes))
      .empty();
  x.open("encoding", 2)
      .attr("name", text.encoding)
      .attr("bom", text.bom)
      .attr("line-endings", text.line_endings)
      .attr("decision", text.decision)
      .empty();
  x.open("input", 2).attr("plugin", p.plugin).attr("version", p.plugin_version).attr("confidence", fixed(p.confidence));
  x.empty();
  x.open("report", 2);
  if (!report.title.empty()) {
    x.attr("title", report.title);
    if (!report.year.empty()) x.attr("year", report.year);
    if (!report.agency.empty()) x.attr("agency", report.agency);
  }
  if (!report.agency_key.empty()) x.attr("agency-key", report.agency_key);
  if (!report.date.empty()) x.attr("date", report.date);
  x.empty();
  x.open("producer", 2).attr("name", "docpipe").attr("version", DOCPIPE_VERSION).empty();
  x.close("metadata", 1);

  BufferWriter w(out);
  body.print(w, "  ", pugi::format_default, pugi::encoding_utf8, 1);

  if (m.tmpl != nullptr) {
    // Each table seen, with the layout it matched (the template's own or a variant).
    x.open("template", 1).attr("id", m.tmpl->id).attr("title", m.tmpl->title);
    bool any = false;
    for (size_t ti = 0; ti < m.tables.size(); ++ti) {
      if (!m.table_seen[ti]) continue;
      if (!any) x.children();
      any = true;
      x.open("table", 2).attr("id", m.tables[ti]->id).attr("name", m.tables[ti]->name);
      x.attr("variant", m.tables[ti]->variant).empty();
    }
    if (any)
      x.close("template", 1);
    else
      x.empty();
  }
  // Record ids are c1, c2, ... in template order; checks name their cells by them.
  auto append_record_id = [&](std::string &to, const Record *r) {
    char buf[24] = {'c'};
    const auto end = std::to_chars(buf + 1, buf + sizeof buf, r - m.records.data() + 1).ptr;
    to.append(buf, static_cast<size_t>(end - buf));
  };
  std::string id;
  x.container("records", 1, !m.records.empty());
  for (const Record &r : m.records) {
    const Table &tab = *m.tables[r.cell.table];
    const Section &sec = tab.sections[r.cell.section];
    id.clear();
    append_record_id(id, &r);
    x.open("record", 2)
        .attr("id", id)
        .attr("table", tab.name)
        .attr("row", sec.rows[r.cell.row].path)
        .attr("column", sec.columns[r.cell.column].path)
        .attr("value", r.value.raw)
        .attr("state", state_name(r.value.state));
    if (r.value.state == CellState::number) x.attr("number", r.value.number);
    if (!r.value.unit.empty()) x.attr("unit", r.value.unit);
    x.attr("placement", placement_name(r.placement));
    if (r.placement != Placement::absent) x.lines(r.first_line, r.last_line);
    x.empty();
  }
  if (!m.records.empty()) x.close("records", 1);

  x.container("unmapped", 1, !m.unmapped.empty());
  for (const Unmapped &u : m.unmapped) {
    x.open("item", 2).lines(u.first_line, u.last_line).attr("reason", u.reason);
    x.text("item", u.text);
  }
  if (!m.unmapped.empty()) x.close("unmapped", 1);

  x.container("checks", 1, !checks.empty());
  for (const Check &c : checks) {
    // The cells involved, by record id: compact, and each cell's text is in its record.
    std::string expected_cells, actual_cells;
    for (const CheckTerm &t : c.terms) {
      if (t.record == nullptr) continue;
      std::string &list = t.expected_side ? expected_cells : actual_cells;
      if (!list.empty()) list += ' ';
      append_record_id(list, t.record);
    }
    x.open("check", 2)
        .attr("identity", c.identity->id)
        .attr("table", m.tables[c.table]->name)
        .attr("row", c.row)
        .attr("column", c.column)
        .attr("result", check_result_name(c.result))
        .attr("expected", format_number(c.expected))
        .attr("actual", format_number(c.actual))
        .attr("tie-break", c.tie_break)
        .attr("expected-cells", expected_cells)
        .attr("actual-cells", actual_cells)
        .empty();
  }
  if (!checks.empty()) x.close("checks", 1);

  x.open("verdict", 1).attr("status", verdict.ok() ? "ok" : "review");
  if (verdict.ok()) {
    x.empty();
  } else {
    x.children();
    for (const auto &[code, reason] : verdict.reasons) {
      x.open("reason", 2).attr("code", code);
      x.text("reason", reason);
    }
    x.close("verdict", 1);
  }
  x.container("diagnostics", 1, !m.findings.empty());
  for (const Finding &f : m.findings) {
    x.open("diagnostic", 2)
        .attr("severity", f.severity)
        .attr("line", static_cast<long long>(f.line))
        .attr("code", f.code)
        .attr("doubt", f.doubt);
    x.text("diagnostic", f.message);
  }
  if (!m.findings.empty()) x.close("diagnostics", 1);
  x.close("document", 0);
  // The one check of every writer: the model never holds invalid UTF-8.
  if (const size_t bad = sdk::invalid_utf8_at(out.view()); bad != std::string_view::npos)
    throw Error(ExitCode::internal,
                sdk::escape_bytes(p.path) + ": the model would hold invalid UTF-8 at byte " + std::to_string(bad));
  return std::string(out.view());
}

}  // namespace docpipe::model
