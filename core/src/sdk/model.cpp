// The one XML writer and the one XML reader of the typed model
// (docpipe/sdk/model.hpp). The writer is text written in one pass in
// pugixml's layout, never a DOM: a report's model is ~100 KB and a bulk run
// writes thousands a second. The reader is pugixml.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <docpipe/sdk/bytes.hpp>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <memory>
#include <pugixml.hpp>

namespace docpipe::sdk::model {
namespace {

std::atomic<uint64_t> g_documents_read{0}, g_bodies_read{0}, g_documents_written{0};

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
  for (size_t i = sdk::plain_prefix(s, '&', '<', third, third, true); i < s.size(); ++i) {
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
  // Source lines where there are some (records, unmapped items).
  XmlText &lines(LineRange r) {
    if (r.first <= 0) return *this;
    attr("first-line", static_cast<long long>(r.first));
    return attr("last-line", static_cast<long long>(r.last > 0 ? r.last : r.first));
  }
  // Always both (body elements).
  XmlText &all_lines(LineRange r) {
    attr("first-line", static_cast<long long>(r.first));
    return attr("last-line", static_cast<long long>(r.last));
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

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const char *severity_name(Severity s) {
  return s == Severity::info ? "info" : s == Severity::warning ? "warning" : "error";
}

void write_body(XmlText &x, const RawDocument &body) {
  const bool any = !body.blocks().empty() || !body.diagnostics().empty();
  x.container("body", 1, any);
  if (!any) return;
  auto text_or_empty = [&](std::string_view name, std::string_view text) {
    text.empty() ? x.empty() : x.text(name, text);
  };
  for (const Block &b : body.blocks()) {
    switch (b.kind) {
      case Block::Kind::heading:
        x.open("heading", 2).attr("level", static_cast<long long>(b.level)).all_lines(b.lines);
        text_or_empty("heading", b.text);
        break;
      case Block::Kind::paragraph:
        x.open("paragraph", 2).all_lines(b.lines);
        text_or_empty("paragraph", b.text);
        break;
      case Block::Kind::table:
        x.open("table", 2).all_lines(b.table.lines);
        if (b.table.rows.empty()) {
          x.empty();
          break;
        }
        x.children();
        for (const Row &r : b.table.rows) {
          x.open("row", 3).all_lines(r.lines);
          if (r.cells.empty()) {
            x.empty();
            continue;
          }
          x.children();
          for (const Cell &c : r.cells) {
            x.open("cell", 4).all_lines(c.lines);
            if (c.rowspan != 1) x.attr("rowspan", static_cast<long long>(c.rowspan));
            if (c.colspan != 1) x.attr("colspan", static_cast<long long>(c.colspan));
            if (c.header) x.attr("header", true);
            if (c.column >= 0) x.attr("column", static_cast<long long>(c.column));
            text_or_empty("cell", c.text);
          }
          x.close("row", 3);
        }
        x.close("table", 2);
        break;
    }
  }
  for (const Diagnostic &d : body.diagnostics()) {
    x.open("diagnostic", 2)
        .attr("severity", severity_name(d.severity))
        .attr("line", static_cast<long long>(d.line))
        .attr("code", d.code);
    if (d.doubt) x.attr("doubt", true);
    text_or_empty("diagnostic", d.message);
  }
  x.close("body", 1);
}

void append_record_id(std::string &to, size_t index) {
  char buf[24] = {'c'};
  const auto end = std::to_chars(buf + 1, buf + sizeof buf, index + 1).ptr;
  to.append(buf, static_cast<size_t>(end - buf));
}

// ---- reading ----

std::string text_of(pugi::xml_node n) {
  // child_value() would return only the first text node.
  std::string out;
  for (pugi::xml_node c : n.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  return out;
}

std::string attr(pugi::xml_node n, const char *name) { return n.attribute(name).as_string(); }

LineRange lines_of(pugi::xml_node n) { return {n.attribute("first-line").as_int(), n.attribute("last-line").as_int()}; }

Severity severity_of(std::string_view s) {
  return s == "info" ? Severity::info : s == "error" ? Severity::error : Severity::warning;
}

Diagnostic diagnostic_of(pugi::xml_node d) {
  return Diagnostic{severity_of(d.attribute("severity").as_string()), d.attribute("line").as_int(), attr(d, "code"),
                    text_of(d), d.attribute("doubt").as_bool()};
}

RawDocument body_of(pugi::xml_node body) {
  RawDocument doc;
  for (pugi::xml_node b : body.children()) {
    if (b.type() != pugi::node_element) continue;
    const std::string_view name = b.name();
    if (name == "heading") {
      doc.add_heading(text_of(b), b.attribute("level").as_int(1), lines_of(b));
    } else if (name == "paragraph") {
      doc.add_paragraph(text_of(b), lines_of(b));
    } else if (name == "table") {
      Table &t = doc.add_table(lines_of(b));
      for (pugi::xml_node row : b.children("row")) {
        Row &r = t.add_row(lines_of(row));
        for (pugi::xml_node cell : row.children("cell")) {
          Cell &c = r.add_cell(text_of(cell), lines_of(cell));
          c.rowspan = cell.attribute("rowspan").as_int(1);
          c.colspan = cell.attribute("colspan").as_int(1);
          c.header = cell.attribute("header").as_bool();
          c.column = cell.attribute("column").as_int(-1);
        }
      }
    } else if (name == "diagnostic") {
      const Diagnostic d = diagnostic_of(b);
      doc.diagnose(d.severity, d.line, d.code, d.message, d.doubt);
    }
  }
  return doc;
}

constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

void load(pugi::xml_document &doc, std::string_view xml) {
  const pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
  if (!r)
    throw ModelError(std::string("malformed model XML: ") + r.description() + " at offset " + std::to_string(r.offset));
}

template <class E>
E enum_of(std::string_view s, std::initializer_list<std::pair<std::string_view, E>> names, E fallback) {
  for (const auto &[n, e] : names)
    if (n == s) return e;
  return fallback;
}

}  // namespace

const char *state_name(ValueState s) {
  switch (s) {
    case ValueState::blank:
      return "blank";
    case ValueState::number:
      return "number";
    case ValueState::placeholder:
      return "placeholder";
    case ValueState::text:
      return "text";
  }
  return "blank";
}

const char *placement_name(Placement p) {
  switch (p) {
    case Placement::direct:
      return "direct";
    case Placement::aligned:
      return "aligned";
    case Placement::tie_break:
      return "tie-break";
    case Placement::header_only:
      return "header-only";
    case Placement::absent:
      return "absent";
    case Placement::override_:
      return "override";
  }
  return "direct";
}

const char *check_result_name(CheckResult r) {
  switch (r) {
    case CheckResult::pass:
      return "pass";
    case CheckResult::blank_pass:
      return "blank-pass";
    case CheckResult::fail:
      return "fail";
  }
  return "pass";
}

void append_escaped_attribute(std::string &out, std::string_view value) { escape<Context::attribute>(out, value); }
void append_escaped_text(std::string &out, std::string_view text) { escape<Context::text>(out, text); }

void write_xml(const Document &doc, std::string &result) {
  thread_local TextBuffer out;
  out.clear();
  XmlText x(out);
  const Metadata &md = doc.metadata;
  out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  x.open("document", 0).attr("model-version", kModelVersion).children();
  x.open("metadata", 1).children();
  x.open("source", 2)
      .attr("path", md.source.path)
      .attr("name", md.source.name)
      .attr("sha256", md.source.sha256)
      .attr("bytes", static_cast<long long>(md.source.bytes))
      .empty();
  x.open("encoding", 2)
      .attr("name", md.encoding.name)
      .attr("bom", md.encoding.bom)
      .attr("line-endings", md.encoding.line_endings)
      .attr("decision", md.encoding.decision)
      .empty();
  x.open("input", 2)
      .attr("plugin", md.input.plugin)
      .attr("version", md.input.version)
      .attr("confidence", fixed(md.input.confidence))
      .empty();
  x.open("report", 2);
  if (!md.report.title.empty()) x.attr("title", md.report.title);
  if (!md.report.year.empty()) x.attr("year", md.report.year);
  if (!md.report.agency.empty()) x.attr("agency", md.report.agency);
  if (!md.report.agency_key.empty()) x.attr("agency-key", md.report.agency_key);
  if (!md.report.date.empty()) x.attr("date", md.report.date);
  x.empty();
  x.open("producer", 2).attr("name", md.producer.name).attr("version", md.producer.version).empty();
  x.close("metadata", 1);

  write_body(x, doc.body);

  if (doc.tmpl) {
    x.open("template", 1).attr("id", doc.tmpl->id).attr("title", doc.tmpl->title);
    if (doc.tmpl->tables.empty()) {
      x.empty();
    } else {
      x.children();
      for (const TemplateTable &t : doc.tmpl->tables) {
        x.open("table", 2).attr("id", t.id).attr("name", t.name).attr("variant", t.variant);
        if (!t.corner.empty()) x.attr("corner", t.corner);
        if (!t.band.empty()) x.attr("band", t.band);
        x.empty();
      }
      x.close("template", 1);
    }
  }

  std::string id;
  x.container("records", 1, !doc.records.empty());
  for (size_t i = 0; i < doc.records.size(); ++i) {
    const Record &r = doc.records[i];
    id.clear();
    append_record_id(id, i);
    x.open("record", 2)
        .attr("id", id)
        .attr("table", r.table)
        .attr("row", r.row)
        .attr("column", r.column)
        .attr("value", r.value)
        .attr("state", state_name(r.state));
    if (r.state == ValueState::number) x.attr("number", r.number);
    if (!r.unit.empty()) x.attr("unit", r.unit);
    x.attr("placement", placement_name(r.placement));
    if (r.placement == Placement::override_) {
      x.attr("override", r.origin).attr("note", r.note);
      if (r.had_read) x.attr("read", r.read);
    }
    x.lines(r.lines);
    x.empty();
  }
  if (!doc.records.empty()) x.close("records", 1);

  x.container("unmapped", 1, !doc.unmapped.empty());
  for (const UnmappedItem &u : doc.unmapped) {
    x.open("item", 2).lines(u.lines).attr("reason", u.reason);
    x.text("item", u.text);
  }
  if (!doc.unmapped.empty()) x.close("unmapped", 1);

  x.container("checks", 1, !doc.checks.empty());
  std::string expected_cells, actual_cells;
  for (const Check &c : doc.checks) {
    // The cells involved, by record id: compact, and each cell's text is in its record.
    expected_cells.clear();
    actual_cells.clear();
    for (const size_t i : c.expected_cells) {
      if (!expected_cells.empty()) expected_cells += ' ';
      append_record_id(expected_cells, i);
    }
    for (const size_t i : c.actual_cells) {
      if (!actual_cells.empty()) actual_cells += ' ';
      append_record_id(actual_cells, i);
    }
    x.open("check", 2)
        .attr("identity", c.identity)
        .attr("table", c.table)
        .attr("row", c.row)
        .attr("column", c.column)
        .attr("result", check_result_name(c.result))
        .attr("expected", c.expected)
        .attr("actual", c.actual)
        .attr("tie-break", c.tie_break)
        .attr("expected-cells", expected_cells)
        .attr("actual-cells", actual_cells)
        .empty();
  }
  if (!doc.checks.empty()) x.close("checks", 1);

  x.open("verdict", 1).attr("status", doc.verdict.ok ? "ok" : "review");
  if (doc.verdict.reasons.empty()) {
    x.empty();
  } else {
    x.children();
    for (const Reason &r : doc.verdict.reasons) {
      x.open("reason", 2).attr("code", r.code);
      x.text("reason", r.text);
    }
    x.close("verdict", 1);
  }
  x.container("diagnostics", 1, !doc.diagnostics.empty());
  for (const Diagnostic &d : doc.diagnostics) {
    x.open("diagnostic", 2)
        .attr("severity", severity_name(d.severity))
        .attr("line", static_cast<long long>(d.line))
        .attr("code", d.code)
        .attr("doubt", d.doubt);
    x.text("diagnostic", d.message);
  }
  if (!doc.diagnostics.empty()) x.close("diagnostics", 1);
  x.close("document", 0);
  // No UTF-8 check here: a Document holds valid UTF-8 by construction (the
  // host checks an input plugin's text as it enters, read_xml checks XML).
  result.append(out.view());
  g_documents_written.fetch_add(1, std::memory_order_relaxed);
}

std::string to_xml(const Document &doc) {
  std::string out;
  write_xml(doc, out);
  return out;
}

RawDocument read_body_xml(std::string_view xml) {
  pugi::xml_document dom;
  const pugi::xml_parse_result r = dom.load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
  if (!r)
    throw ModelError(std::string("produced a malformed model: ") + r.description() + " at byte " +
                     std::to_string(r.offset));
  const pugi::xml_node body = dom.first_child();
  if (std::string_view(body.name()) != "body" || body.next_sibling())
    throw ModelError("must produce exactly one <body>");
  g_bodies_read.fetch_add(1, std::memory_order_relaxed);
  return body_of(body);
}

std::string body_text_fault(const RawDocument &body) {
  auto fault = [](std::string_view text, const char *what, LineRange lines) -> std::string {
    size_t at = invalid_utf8_at(text);
    const char *problem = "invalid UTF-8";
    if (const size_t nul = text.find('\0'); nul < at) {
      at = nul;
      problem = "a NUL character";  // no XML can hold it
    }
    if (at == std::string_view::npos) return {};
    return std::string(problem) + " at byte " + std::to_string(at) + " of the text of " + what + ", lines " +
           std::to_string(lines.first) + "-" + std::to_string(lines.last);
  };
  for (const Block &b : body.blocks()) {
    std::string f = fault(b.text, b.kind == Block::Kind::heading ? "a heading" : "a paragraph", b.lines);
    for (size_t r = 0; f.empty() && r < b.table.rows.size(); ++r)
      for (const Cell &c : b.table.rows[r].cells)
        if (f = fault(c.text, "a cell", c.lines); !f.empty()) break;
    if (!f.empty()) return f;
  }
  for (const Diagnostic &d : body.diagnostics()) {
    std::string f = fault(d.code, "a diagnostic's code", {d.line, d.line});
    if (f.empty()) f = fault(d.message, "a diagnostic", {d.line, d.line});
    if (!f.empty()) return f;
  }
  return {};
}

Document read_xml(std::string_view xml) {
  // The entry of a model from outside the host (the XML ABI): its text is
  // checked once here, so that every Document holds valid UTF-8.
  if (const size_t bad = invalid_utf8_at(xml); bad != std::string_view::npos)
    throw ModelError("the model is not valid UTF-8 at byte " + std::to_string(bad) + " of its XML");
  pugi::xml_document dom;
  load(dom, xml);
  const pugi::xml_node root = dom.document_element();
  if (std::string_view(root.name()) != "document")
    throw ModelError(std::string("not a docpipe model: root element is <") + root.name() + ">, expected <document>");
  const std::string_view version = root.attribute("model-version").as_string();
  if (version.substr(0, 2) != "1.")
    throw ModelError("unsupported model-version \"" + std::string(version) + "\" (this plugin reads 1.x)");
  g_documents_read.fetch_add(1, std::memory_order_relaxed);

  Document doc;
  const pugi::xml_node md = root.child("metadata");
  const pugi::xml_node source = md.child("source"), encoding = md.child("encoding"), input = md.child("input"),
                       report = md.child("report"), producer = md.child("producer");
  doc.metadata.source = {attr(source, "path"), attr(source, "name"), attr(source, "sha256"),
                         source.attribute("bytes").as_ullong()};
  doc.metadata.encoding = {attr(encoding, "name"), encoding.attribute("bom").as_bool(), attr(encoding, "line-endings"),
                           attr(encoding, "decision")};
  doc.metadata.input = {attr(input, "plugin"), attr(input, "version"), input.attribute("confidence").as_double()};
  doc.metadata.report = {attr(report, "title"), attr(report, "year"), attr(report, "agency"), attr(report, "date"),
                         attr(report, "agency-key")};
  doc.metadata.producer = {attr(producer, "name"), attr(producer, "version")};
  doc.body = body_of(root.child("body"));

  if (const pugi::xml_node t = root.child("template")) {
    TemplateRef ref{attr(t, "id"), attr(t, "title"), {}};
    for (pugi::xml_node tt : t.children("table"))
      ref.tables.push_back(
          {attr(tt, "id"), attr(tt, "name"), attr(tt, "variant"), attr(tt, "corner"), attr(tt, "band")});
    doc.tmpl = std::move(ref);
  }
  std::map<std::string, size_t, std::less<>> index;  // record id -> index
  for (pugi::xml_node r : root.child("records").children("record")) {
    index.emplace(attr(r, "id"), doc.records.size());
    Record rec;
    rec.table = attr(r, "table");
    rec.row = attr(r, "row");
    rec.column = attr(r, "column");
    rec.value = attr(r, "value");
    rec.state = enum_of<ValueState>(r.attribute("state").as_string(),
                                    {{"blank", ValueState::blank},
                                     {"number", ValueState::number},
                                     {"placeholder", ValueState::placeholder},
                                     {"text", ValueState::text}},
                                    ValueState::blank);
    rec.number = attr(r, "number");
    rec.unit = attr(r, "unit");
    rec.placement = enum_of<Placement>(r.attribute("placement").as_string(),
                                       {{"direct", Placement::direct},
                                        {"aligned", Placement::aligned},
                                        {"tie-break", Placement::tie_break},
                                        {"header-only", Placement::header_only},
                                        {"absent", Placement::absent},
                                        {"override", Placement::override_}},
                                       Placement::direct);
    if (rec.placement == Placement::override_) {
      rec.origin = attr(r, "override");
      rec.note = attr(r, "note");
      rec.had_read = static_cast<bool>(r.attribute("read"));
      rec.read = attr(r, "read");
    }
    rec.lines = lines_of(r);
    doc.records.push_back(std::move(rec));
  }
  for (pugi::xml_node u : root.child("unmapped").children("item"))
    doc.unmapped.push_back({lines_of(u), attr(u, "reason"), text_of(u)});
  auto cells = [&](std::string_view ids) {
    std::vector<size_t> out;
    size_t at = 0;
    while (at < ids.size()) {
      const size_t space = std::min(ids.find(' ', at), ids.size());
      if (const auto it = index.find(ids.substr(at, space - at)); it != index.end()) out.push_back(it->second);
      at = space + 1;
    }
    return out;
  };
  for (pugi::xml_node c : root.child("checks").children("check")) {
    Check ch;
    ch.identity = attr(c, "identity");
    ch.table = attr(c, "table");
    ch.row = attr(c, "row");
    ch.column = attr(c, "column");
    ch.result = enum_of<CheckResult>(
        c.attribute("result").as_string(),
        {{"pass", CheckResult::pass}, {"blank-pass", CheckResult::blank_pass}, {"fail", CheckResult::fail}},
        CheckResult::pass);
    ch.expected = attr(c, "expected");
    ch.actual = attr(c, "actual");
    ch.tie_break = c.attribute("tie-break").as_bool();
    ch.expected_cells = cells(c.attribute("expected-cells").as_string());
    ch.actual_cells = cells(c.attribute("actual-cells").as_string());
    doc.checks.push_back(std::move(ch));
  }
  const pugi::xml_node verdict = root.child("verdict");
  doc.verdict.ok = std::string_view(verdict.attribute("status").as_string("ok")) != "review";
  for (pugi::xml_node r : verdict.children("reason")) doc.verdict.reasons.push_back({attr(r, "code"), text_of(r)});
  for (pugi::xml_node d : root.child("diagnostics").children("diagnostic")) doc.diagnostics.push_back(diagnostic_of(d));
  return doc;
}

Counts counts() {
  return {g_documents_read.load(std::memory_order_relaxed), g_bodies_read.load(std::memory_order_relaxed),
          g_documents_written.load(std::memory_order_relaxed)};
}

}  // namespace docpipe::sdk::model
