#include "reader.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstring>
#include <docpipe/sdk/charset.hpp>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

namespace docpipe::html {
namespace {

[[noreturn]] void bad_input(const std::string &why) { throw sdk::Error(DOCPIPE_ERR_INPUT, why); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The ASCII characters of the start of the bytes, lower-cased (UTF-16 NULs
// dropped): enough to see the markup and the charset declaration.
std::string ascii_prefix(std::string_view bytes, size_t n) {
  std::string s;
  for (size_t i = 0; i < bytes.size() && s.size() < n; ++i)
    if (bytes[i] != '\0') s += lower(bytes[i]);
  return s;
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The charset a <meta> tag in the first 4 KB declares: <meta charset="gbk">
// or <meta http-equiv="Content-Type" content="text/html; charset=gb2312">.
std::string declared_charset(std::string_view bytes) {
  const std::string s = ascii_prefix(bytes, 4096);
  for (size_t at = s.find("<meta"); at != std::string::npos; at = s.find("<meta", at + 5)) {
    const size_t end = s.find('>', at);
    const std::string tag = s.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const size_t c = tag.find("charset");
    if (c == std::string::npos) continue;
    size_t i = c + 7;
    while (i < tag.size() && is_ascii_space(tag[i])) ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && (is_ascii_space(tag[i]) || tag[i] == '"' || tag[i] == '\'')) ++i;
    std::string name;
    while (i < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[i])) || tag[i] == '-' || tag[i] == '_' ||
                              tag[i] == ':' || tag[i] == '.'))
      name += tag[i++];
    if (!name.empty()) return name;
  }
  return "";
}

std::string icu_name(const std::string &declared) {
  // GB2312 and GBK pages hold GBK characters whatever they declare; GB18030
  // is their superset (the core decodes legacy Chinese text the same way).
  if (declared == "gb2312" || declared == "gbk" || declared == "x-gbk" || declared == "gb18030" ||
      declared == "cp936" || declared == "windows-936" || declared == "euc-cn")
    return "GB18030";
  return declared;
}

bool valid_utf8(std::string_view s) {
  std::string out;
  return sdk::convert_strict("UTF-8", s, out);
}

// ---- the document tree ------------------------------------------------------

std::string_view name_of(const xmlNode *n) {
  return n->name == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char *>(n->name));
}

bool is(const xmlNode *n, std::string_view name) { return n->type == XML_ELEMENT_NODE && name_of(n) == name; }

template <size_t N>
bool one_of(std::string_view name, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

// Never part of a report: code, navigation, forms, embedded objects.
bool skipped(const xmlNode *n) {
  static constexpr std::string_view names[] = {
      "script", "style",  "noscript", "template", "head", "title",  "nav",   "footer", "aside", "form",
      "iframe", "select", "button",   "textarea", "svg",  "object", "embed", "map",    "menu",  "input"};
  return n->type == XML_ELEMENT_NODE && one_of(name_of(n), names);
}

bool block_element(std::string_view name) {
  static constexpr std::string_view names[] = {
      "p",       "div",     "h1",      "h2",     "h3",   "h4",      "h5",         "h6",
      "li",      "ul",      "ol",      "dl",     "dt",   "dd",      "blockquote", "pre",
      "center",  "section", "article", "header", "main", "address", "figure",     "figcaption",
      "caption", "hr",      "body",    "html",   "tr",   "td",      "th"};
  return one_of(name, names);
}

int heading_tag_level(std::string_view name) {
  if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') return name[1] - '0';
  return 0;
}

int line_of(const xmlNode *n) { return static_cast<int>(xmlGetLineNo(n)); }

bool has_descendant(const xmlNode *n, std::string_view name) {
  for (const xmlNode *c = n->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || skipped(c)) continue;
    if (name_of(c) == name || has_descendant(c, name)) return true;
  }
  return false;
}

// Non-link, non-space text bytes under n (for choosing the article).
size_t text_weight(const xmlNode *n) {
  size_t w = 0;
  for (const xmlNode *c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      for (const xmlChar *p = c->content; p != nullptr && *p != 0; ++p) w += !is_ascii_space(static_cast<char>(*p));
    } else if (c->type == XML_ELEMENT_NODE && !skipped(c) && !is(c, "a")) {
      w += text_weight(c);
    }
  }
  return w;
}

// A container that holds only text and inline markup (no div, table, ...).
bool leaf_container(const xmlNode *n) {
  for (std::string_view inner : {"div", "table", "section", "article", "ul", "ol"})
    if (has_descendant(n, inner)) return false;
  return true;
}

// The article: the element whose own content (text, paragraphs, headings,
// tables, and containers of text only, links not counted) is the largest.
// Navigation, related links and footers are links or short text beside it.
void find_article(const xmlNode *n, const xmlNode *&best, size_t &best_weight) {
  size_t own = 0;
  for (const xmlNode *c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE) {
      for (const xmlChar *p = c->content; p != nullptr && *p != 0; ++p) own += !is_ascii_space(static_cast<char>(*p));
      continue;
    }
    if (c->type != XML_ELEMENT_NODE || skipped(c) || is(c, "a")) continue;
    const std::string_view name = name_of(c);
    // A table's rows count where the table does, not for the table itself.
    if (name == "tr" || name == "tbody" || name == "thead" || name == "tfoot") continue;
    // A layout table (one that holds tables) is a container too.
    const bool container = name == "div" || name == "section" || name == "article" || name == "main" || name == "td" ||
                           name == "th" || name == "body" || name == "center" ||
                           (name == "table" && has_descendant(c, "table"));
    if (!container || leaf_container(c)) own += text_weight(c);
  }
  if (own > best_weight) {
    best = n;
    best_weight = own;
  }
  for (const xmlNode *c = n->children; c != nullptr; c = c->next)
    if (c->type == XML_ELEMENT_NODE && !skipped(c)) find_article(c, best, best_weight);
}

// A cell that is a number ("12", "-2", "1,234", "0.35", full-width digits).
bool numeric(std::string_view text) {
  const std::u32string u = sdk::to_u32(sdk::trim(text));
  if (u.empty()) return false;
  size_t i = u[0] == U'+' || u[0] == U'-' ? 1 : 0, digits = 0;
  for (; i < u.size(); ++i) {
    const char32_t c = u[i];
    if ((c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'))
      ++digits;
    else if (c != U',' && c != U'.' && c != U'，' && c != U'．')
      return false;
  }
  return digits > 0;
}

void gather_text(const xmlNode *n, struct TextRun &run);

// Innermost tables (no table inside) outside the clutter that hold at least
// three numeric cells: the report's tables of figures.
void figure_tables(const xmlNode *n, std::vector<const xmlNode *> &out);

const xmlNode *common_ancestor(const xmlNode *a, const xmlNode *b) {
  std::vector<const xmlNode *> chain;
  for (const xmlNode *x = a; x != nullptr; x = x->parent) chain.push_back(x);
  for (const xmlNode *y = b; y != nullptr; y = y->parent)
    if (std::find(chain.begin(), chain.end(), y) != chain.end()) return y;
  return a;
}

// ---- text --------------------------------------------------------------------

bool cjk(char32_t c) { return sdk::is_han(c) || sdk::is_cjk_punct(c); }

// HTML white space: a run of ASCII spaces, tabs and line breaks shows as one
// space; a run with a line break between two CJK characters shows as
// nothing (CSS Text's segment-break rule: source lines of Chinese text are
// wrapped without spaces). Other spaces (NBSP, U+3000) are text.
std::string collapse(std::string_view raw) {
  const std::u32string u = sdk::to_u32(raw);
  std::u32string out;
  for (size_t i = 0; i < u.size();) {
    const char32_t c = u[i];
    if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f') {
      size_t j = i;
      bool newline = false;
      while (j < u.size() && (u[j] == U' ' || u[j] == U'\t' || u[j] == U'\n' || u[j] == U'\r' || u[j] == U'\f'))
        newline |= u[j] == U'\n' || u[j] == U'\r', ++j;
      const bool between_cjk = !out.empty() && j < u.size() && cjk(out.back()) && cjk(u[j]);
      if (!(newline && between_cjk)) out += U' ';
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return sdk::to_utf8(out);
}

// Text gathered from a stretch of markup: the raw text of each line (a <br>
// or a block boundary starts a new line) and the source lines it came from.
struct TextRun {
  std::vector<std::string> lines{std::string()};
  int first = 0, last = 0;

  void see(int line) {
    if (line <= 0) return;
    if (first == 0 || line < first) first = line;
    last = std::max(last, line);
  }
  void add(const xmlNode *text_node) {
    if (text_node->content == nullptr) return;
    const std::string_view t(reinterpret_cast<const char *>(text_node->content));
    lines.back() += t;
    // libxml2 numbers a text node by the line where it ends.
    const int end = line_of(text_node);
    see(end - static_cast<int>(std::count(t.begin(), t.end(), '\n')));
    see(end);
  }
  void newline() {
    if (!lines.back().empty()) lines.emplace_back();
  }
  // The visible lines, collapsed and trimmed; empty ones dropped.
  std::vector<std::string> visible() const {
    std::vector<std::string> out;
    for (const auto &l : lines) {
      std::string v = sdk::trim(collapse(l));
      if (!v.empty()) out.push_back(std::move(v));
    }
    return out;
  }
  bool empty() const { return lines.size() == 1 && lines.front().empty(); }
};

void gather_text(const xmlNode *n, TextRun &run) {
  for (const xmlNode *c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      run.add(c);
    } else if (c->type == XML_ELEMENT_NODE && !skipped(c)) {
      const std::string_view name = name_of(c);
      if (name == "br") {
        run.see(line_of(c));
        run.lines.back() += '\n';  // keeps the line count right for see()
        run.newline();
        continue;
      }
      const bool block = block_element(name);
      if (block) run.newline();
      gather_text(c, run);
      if (block) run.newline();
    }
  }
}

void count_numeric_cells(const xmlNode *n, size_t &count) {
  for (const xmlNode *c = n->children; c != nullptr && count < 3; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || skipped(c)) continue;
    if (is(c, "td") || is(c, "th")) {
      TextRun run;
      gather_text(c, run);
      const auto lines = run.visible();
      count += lines.size() == 1 && numeric(lines.front());
    } else {
      count_numeric_cells(c, count);
    }
  }
}

void figure_tables(const xmlNode *n, std::vector<const xmlNode *> &out) {
  for (const xmlNode *c = n->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || skipped(c)) continue;
    if (is(c, "table") && !has_descendant(c, "table")) {
      size_t count = 0;
      count_numeric_cells(c, count);
      if (count >= 3) out.push_back(c);
    } else {
      figure_tables(c, out);
    }
  }
}

// ---- the reader -----------------------------------------------------------------

class Reader {
 public:
  explicit Reader(sdk::RawDocument &doc) : doc_(doc) {}

  void run(const xmlNode *root) {
    const xmlNode *body = root;
    for (const xmlNode *c = root == nullptr ? nullptr : root->children; c != nullptr; c = c->next)
      if (is(c, "body")) body = c;
    if (body == nullptr) return;
    const xmlNode *article = body;
    size_t weight = 0;
    find_article(body, article, weight);
    // The report's tables belong to it wherever they sit (prose in one
    // container, tables in a sibling): the article grows to the nearest
    // element that holds it and every table of figures.
    std::vector<const xmlNode *> figures;
    figure_tables(body, figures);
    for (const xmlNode *t : figures) article = common_ancestor(article, t);
    if (article != body) {
      // The report's title often stands just before the article's container.
      const xmlNode *title = last_heading_before(body, article);
      if (title != nullptr) block(title);
    }
    walk(article);
    flush();
  }

 private:
  // The last h1-h3 before `article` in document order, outside it.
  const xmlNode *last_heading_before(const xmlNode *n, const xmlNode *article) {
    const xmlNode *found = nullptr;
    bool done = false;
    scan_headings(n, article, found, done);
    return found;
  }
  void scan_headings(const xmlNode *n, const xmlNode *article, const xmlNode *&found, bool &done) {
    for (const xmlNode *c = n->children; c != nullptr && !done; c = c->next) {
      if (c == article) {
        done = true;
        return;
      }
      if (c->type != XML_ELEMENT_NODE || skipped(c)) continue;
      const int lvl = heading_tag_level(name_of(c));
      if (lvl >= 1 && lvl <= 3)
        found = c;
      else
        scan_headings(c, article, found, done);
    }
  }

  void walk(const xmlNode *n) {
    for (const xmlNode *c = n->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        para_.add(c);
      } else if (c->type == XML_ELEMENT_NODE && !skipped(c)) {
        const std::string_view name = name_of(c);
        if (name == "table") {
          flush();
          table(c);
        } else if (name == "br") {
          para_.see(line_of(c));
          flush();
        } else if (heading_tag_level(name) > 0) {
          block(c);
        } else if (block_element(name)) {
          flush();
          walk(c);
          flush();
        } else {
          walk(c);
        }
      }
    }
  }

  // A heading element, or any element read as one block.
  void block(const xmlNode *n) {
    flush();
    heading_level_ = heading_tag_level(name_of(n));
    para_.see(line_of(n));
    walk(n);
    flush();
    heading_level_ = 0;
  }

  void flush() {
    TextRun run = std::move(para_);
    para_ = TextRun();
    const std::vector<std::string> lines = run.visible();
    if (lines.empty()) return;
    std::string text;
    for (const auto &l : lines) text += (text.empty() ? "" : " ") + l;
    const sdk::LineRange where{run.first, std::max(run.first, run.last)};
    int level = sdk::numbered_heading_level(text);
    if (level == 0 && heading_level_ > 0) level = heading_level_;
    if (level > 0)
      doc_.add_heading(std::move(text), level, where);
    else
      doc_.add_paragraph(std::move(text), where);
  }

  // The rows of this table (directly or in thead/tbody/tfoot), not of tables
  // nested in its cells.
  static std::vector<const xmlNode *> rows_of(const xmlNode *t) {
    std::vector<const xmlNode *> rows;
    for (const xmlNode *c = t->children; c != nullptr; c = c->next) {
      if (is(c, "tr")) rows.push_back(c);
      if (is(c, "thead") || is(c, "tbody") || is(c, "tfoot"))
        for (const xmlNode *r = c->children; r != nullptr; r = r->next)
          if (is(r, "tr")) rows.push_back(r);
    }
    return rows;
  }
  static std::vector<const xmlNode *> cells_of(const xmlNode *tr) {
    std::vector<const xmlNode *> cells;
    for (const xmlNode *c = tr->children; c != nullptr; c = c->next)
      if (is(c, "td") || is(c, "th")) cells.push_back(c);
    return cells;
  }

  static int span_attr(const xmlNode *n, const char *name, int fallback, int max) {
    xmlChar *v = xmlGetProp(n, reinterpret_cast<const xmlChar *>(name));
    if (v == nullptr) return fallback;
    const int x = std::atoi(reinterpret_cast<const char *>(v));
    xmlFree(v);
    // As browsers do: a missing or bad value is 1, colspan at most 1000,
    // rowspan="0" up to the end of the table.
    if (x == 0 && std::strcmp(name, "rowspan") == 0) return max;
    return std::clamp(x, 1, max);
  }

  void table(const xmlNode *t) {
    // A table that holds tables is layout around them (a portal's frame, a
    // page laid out in a table): its cells are read as the page's blocks, so
    // the innermost tables are the data tables.
    if (has_descendant(t, "table")) {
      for (const xmlNode *tr : rows_of(t))
        for (const xmlNode *td : cells_of(tr)) {
          flush();
          walk(td);
          flush();
        }
      return;
    }
    const auto rows = rows_of(t);
    if (rows.empty()) return;
    const int line = line_of(t);
    sdk::Table &out = doc_.add_table({line, line});
    // Grid columns still covered by a rowspan from above: rows left, and the
    // width of the covering cell where it starts.
    std::vector<int> covered, cover_span;
    int last_line = line;
    for (size_t r = 0; r < rows.size(); ++r) {
      const int row_line = line_of(rows[r]);
      sdk::Row &row = out.add_row({row_line, row_line});
      const int rows_left = static_cast<int>(rows.size() - r);
      size_t col = 0;
      auto fill_covered = [&] {
        // Covered positions get an empty cell, so that the row keeps its
        // full width (formats/MODEL.md), as Word's continuation cells do.
        while (col < covered.size() && covered[col] > 0) {
          const int span = std::max(1, cover_span[col]);
          sdk::Cell &blank = row.add_cell("", {row_line, row_line});
          blank.colspan = span;
          blank.column = static_cast<int>(col);
          col += static_cast<size_t>(span);
        }
      };
      for (const xmlNode *td : cells_of(rows[r])) {
        fill_covered();
        const int colspan = span_attr(td, "colspan", 1, 1000);
        const int rowspan = std::min(span_attr(td, "rowspan", 1, 65534), rows_left);
        TextRun run;
        const int cell_line = line_of(td);
        gather_text(td, run);
        std::string text;
        for (const auto &l : run.visible()) text += (text.empty() ? "" : "\n") + l;
        sdk::Cell &cell = row.add_cell(std::move(text), {cell_line, std::max(cell_line, run.last)});
        cell.colspan = colspan;
        cell.rowspan = rowspan;
        cell.header = is(td, "th");
        cell.column = static_cast<int>(col);
        if (covered.size() < col + static_cast<size_t>(colspan)) {
          covered.resize(col + static_cast<size_t>(colspan), 0);
          cover_span.resize(covered.size(), 0);
        }
        for (int k = 0; k < colspan; ++k) covered[col + static_cast<size_t>(k)] = rowspan;
        cover_span[col] = colspan;
        for (int k = 1; k < colspan; ++k) cover_span[col + static_cast<size_t>(k)] = 1;
        row.lines.last = std::max(row.lines.last, cell.lines.last);
        col += static_cast<size_t>(colspan);
      }
      // Trailing positions still covered from above.
      while (col < covered.size()) {
        if (covered[col] > 0) {
          fill_covered();
        } else {
          ++col;
        }
      }
      // This row is done: every covered count goes down by one.
      for (auto &c : covered) c = std::max(0, c - 1);
      last_line = std::max(last_line, row.lines.last);
    }
    out.lines.last = last_line;
    doc_.blocks().back().lines.last = last_line;
    drop_phantom_columns(out);
  }

  // Grid columns that are no column of their own. LibreOffice and Word
  // export a table on the grid of all its borders: when one row's border
  // falls inside another row's cell (a 总计 header over two grid columns
  // whose value below spans both, while the group label above splits them),
  // the grid has a column that most rows do not split. A boundary crossed by
  // more cells than start at it is merged into the column before it: a value
  // spanning it is one value (not a value and a blank), and a cell starting
  // there starts at the next real column.
  static void drop_phantom_columns(sdk::Table &t) {
    size_t width = 0;
    for (const sdk::Row &r : t.rows)
      for (const sdk::Cell &c : r.cells) width = std::max(width, static_cast<size_t>(c.column + c.colspan));
    std::vector<int> starting(width + 1, 0), crossing(width + 1, 0);
    for (const sdk::Row &r : t.rows)
      for (const sdk::Cell &c : r.cells) {
        ++starting[static_cast<size_t>(c.column)];
        for (int k = c.column + 1; k < c.column + c.colspan; ++k) ++crossing[static_cast<size_t>(k)];
      }
    std::vector<bool> real(width + 1, true);
    bool any = false;
    for (size_t c = 1; c < width; ++c)
      if (crossing[c] > starting[c]) real[c] = false, any = true;
    if (!any) return;
    std::vector<int> rank(width + 1, 0);  // new index of each real column
    int n = -1;
    for (size_t c = 0; c <= width; ++c) rank[c] = n += real[c] ? 1 : 0;
    for (sdk::Row &r : t.rows)
      for (sdk::Cell &c : r.cells) {
        size_t a = static_cast<size_t>(c.column);
        const size_t b = static_cast<size_t>(c.column + c.colspan - 1);
        while (!real[a]) ++a;      // starts at the next real column
        const int last = rank[b];  // the merged column holding b
        const int first = a > b ? last : rank[a];
        c.column = first;
        c.colspan = std::max(1, last - first + 1);
      }
  }

  sdk::RawDocument &doc_;
  TextRun para_;
  int heading_level_ = 0;
};

struct DocFree {
  void operator()(xmlDoc *d) const { xmlFreeDoc(d); }
};

// Word's "downlevel-revealed" conditional comments, <![if !supportEmptyParas]>
// and <![endif]>, are markers that browsers other than old Internet Explorer
// ignore while showing what is between them; libxml2 would read them as
// text. They are removed (on one line, so line numbers stay).
void drop_revealed_conditionals(std::string &text) {
  size_t at = 0;
  while ((at = text.find("<![", at)) != std::string::npos) {
    const size_t end = text.find("]>", at + 3);
    const size_t nl = text.find('\n', at);
    std::string word;
    for (size_t i = at + 3; i < text.size() && i < at + 9 && std::isalpha(static_cast<unsigned char>(text[i])); ++i)
      word += lower(text[i]);
    if (end != std::string::npos && (nl == std::string::npos || end < nl) && (word == "if" || word == "endif"))
      text.erase(at, end + 2 - at);
    else
      at += 3;
  }
}

}  // namespace

double probe(std::string_view bytes) {
  if (starts_with(bytes, "%PDF-") || starts_with(bytes, "PK\x03\x04") ||
      starts_with(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
    return 0.0;
  const std::string s = ascii_prefix(bytes, 64 * 1024);
  size_t i = s.find_first_not_of(" \t\r\n\f\xef\xbb\xbf\xff\xfe");
  std::string_view rest = i == std::string::npos ? std::string_view() : std::string_view(s).substr(i);
  while (starts_with(rest, "<!--") || starts_with(rest, "<?xml")) {
    const size_t end = rest.find('>');
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
    const size_t k = rest.find_first_not_of(" \t\r\n\f");
    rest = k == std::string_view::npos ? std::string_view() : rest.substr(k);
  }
  if (starts_with(rest, "<!doctype html") || starts_with(rest, "<html")) return 0.95;
  // Else markup of HTML elements (the core calls a document that is mostly
  // such markup HTML): three tags of them.
  static constexpr std::string_view names[] = {
      "html",     "head",   "body", "meta", "title", "table",  "tbody", "thead",   "tr",     "td",
      "th",       "p",      "div",  "span", "br",    "font",   "h1",    "h2",      "h3",     "h4",
      "ul",       "ol",     "li",   "a",    "b",     "strong", "style", "script",  "link",   "col",
      "colgroup", "center", "img",  "hr",   "em",    "i",      "u",     "section", "article"};
  size_t tags = 0;
  for (size_t at = s.find('<'); at != std::string::npos; at = s.find('<', at + 1)) {
    size_t j = at + 1 + (at + 1 < s.size() && s[at + 1] == '/');
    const size_t from = j;
    while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
    if (j == from || j >= s.size() || !(s[j] == '>' || s[j] == '/' || is_ascii_space(s[j]))) continue;
    const std::string_view name = std::string_view(s).substr(from, j - from);
    if (std::find(std::begin(names), std::end(names), name) != std::end(names) && ++tags >= 3) return 0.6;
  }
  return 0.0;
}

std::string decode(std::string_view bytes, std::string &decision) {
  std::string utf8;
  if (starts_with(bytes, "\xEF\xBB\xBF")) {
    if (!sdk::convert_strict("UTF-8", bytes.substr(3), utf8)) bad_input("UTF-8 byte-order mark but invalid UTF-8");
    decision = "UTF-8 byte-order mark";
    return utf8;
  }
  if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF")) {
    const char *cs = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    if (!sdk::convert_strict(cs, bytes.substr(2), utf8)) bad_input(std::string("invalid ") + cs + " after its BOM");
    decision = std::string(cs) + " byte-order mark";
    return utf8;
  }
  // BOM-less UTF-16: ASCII markup puts a NUL in every other byte.
  const size_t n = std::min<size_t>(bytes.size(), 1024) & ~size_t{1};
  size_t even = 0, odd = 0;
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] == '\0') (i % 2 == 0 ? even : odd)++;
  if (n >= 16 && (odd * 10 >= n / 2 * 3 || even * 10 >= n / 2 * 3)) {
    const char *cs = odd >= even ? "UTF-16LE" : "UTF-16BE";
    if (!sdk::convert_strict(cs, bytes, utf8)) bad_input(std::string("invalid ") + cs + " (no BOM; NUL pattern)");
    decision = std::string("no BOM; NUL-byte pattern of ") + cs;
    return utf8;
  }
  const std::string declared = declared_charset(bytes);
  if (!declared.empty()) {
    const std::string cs = icu_name(declared);
    try {
      if (!sdk::convert_strict(cs, bytes, utf8))
        bad_input("the page declares charset \"" + declared + "\" but its bytes are not valid " + cs);
    } catch (const std::invalid_argument &) {
      bad_input("the page declares charset \"" + declared + "\", which is unknown");
    }
    decision = "<meta> charset \"" + declared + "\"" + (cs != declared ? " (read as " + cs + ")" : "");
    return utf8;
  }
  if (valid_utf8(bytes)) {
    decision = "no charset declared; valid UTF-8";
    return std::string(bytes);
  }
  if (sdk::convert_strict("GB18030", bytes, utf8)) {
    decision = "no charset declared; not UTF-8; strict GB18030";
    return utf8;
  }
  bad_input("no charset declared, and the page is neither UTF-8 nor GB18030");
}

void read(std::string_view bytes, sdk::RawDocument &doc) {
  if (bytes.empty()) bad_input("empty file");
  std::string decision;
  std::string text = decode(bytes, decision);
  drop_revealed_conditionals(text);
  if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) bad_input("page too large");
  // libxml2's global tables, set up once (thread-safe static initialisation).
  static const bool initialised = (xmlInitParser(), true);
  (void)initialised;
  // No network, no external entities (the HTML parser loads no DTD), errors
  // recovered as browsers do, and the charset already decoded: the <meta> is
  // not applied a second time.
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD;
  std::unique_ptr<xmlDoc, DocFree> parsed(
      htmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, "UTF-8", options));
  if (!parsed) bad_input("not a readable HTML page");
  doc.diagnose(sdk::Severity::info, 0, "html-charset", decision);
  Reader(doc).run(xmlDocGetRootElement(parsed.get()));
}

}  // namespace docpipe::html
