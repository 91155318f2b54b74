// The raw model an input plugin builds: headings, paragraphs and tables in
// source order, each with the source lines it came from, plus diagnostics.
// Header-only and plain C++; it serialises to the <body> element of
// formats/model.rng, which is what crosses the plugin boundary.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace docpipe::sdk {

// 1-based, inclusive range of physical lines in the decoded text.
struct LineRange {
  int first = 0;
  int last = 0;
};

struct Cell {
  std::string text;  // as in the source, inner line breaks as '\n'; "" = blank
  LineRange lines;
  int rowspan = 1;
  int colspan = 1;
  bool header = false;
  int column = -1;  // grid column when the plugin knows it, else -1
};

struct Row {
  LineRange lines;
  std::vector<Cell> cells;

  Cell &add_cell(std::string text, LineRange where) {
    cells.push_back(Cell{std::move(text), where});
    return cells.back();
  }
};

struct Table {
  LineRange lines;
  std::vector<Row> rows;

  Row &add_row(LineRange where) {
    rows.push_back(Row{where, {}});
    return rows.back();
  }
};

enum class Severity { info, warning, error };

struct Diagnostic {
  Severity severity = Severity::warning;
  int line = 0;         // 0 = the whole document
  std::string code;     // stable, kebab-case: "ragged-row"
  std::string message;  // for people
  // A doubt about the data (a cell may be wrong or missing: the core puts
  // the report up for review), or information about how it was read.
  bool doubt = false;
};

struct Block {
  enum class Kind { heading, paragraph, table } kind = Kind::paragraph;
  std::string text;  // heading / paragraph
  int level = 1;     // heading
  LineRange lines;
  Table table;  // table
};

class RawDocument {
 public:
  void add_heading(std::string text, int level, LineRange where) {
    Block b;
    b.kind = Block::Kind::heading;
    b.text = std::move(text);
    b.level = level;
    b.lines = where;
    blocks_.push_back(std::move(b));
  }
  void add_paragraph(std::string text, LineRange where) {
    Block b;
    b.kind = Block::Kind::paragraph;
    b.text = std::move(text);
    b.lines = where;
    blocks_.push_back(std::move(b));
  }
  Table &add_table(LineRange where) {
    Block b;
    b.kind = Block::Kind::table;
    b.lines = where;
    b.table.lines = where;
    blocks_.push_back(std::move(b));
    return blocks_.back().table;
  }
  // `doubt`: see Diagnostic::doubt (an error is always a doubt).
  void diagnose(Severity severity, int line, std::string code, std::string message, bool doubt = false) {
    diagnostics_.push_back(Diagnostic{severity, line, std::move(code), std::move(message), doubt});
  }

  const std::vector<Block> &blocks() const { return blocks_; }
  std::vector<Block> &blocks() { return blocks_; }
  const std::vector<Diagnostic> &diagnostics() const { return diagnostics_; }

  // Serialises to the <body> element of the model schema.
  std::string to_xml() const {
    std::string out;
    out.reserve(xml_size_estimate());
    out += "<body>\n";
    for (const Block &b : blocks_) {
      switch (b.kind) {
        case Block::Kind::heading:
          out += "  <heading";
          int_attr(out, " level=\"", b.level);
          lines_attr(out, b.lines);
          out += ">";
          escape_into(out, b.text);
          out += "</heading>\n";
          break;
        case Block::Kind::paragraph:
          out += "  <paragraph";
          lines_attr(out, b.lines);
          out += ">";
          escape_into(out, b.text);
          out += "</paragraph>\n";
          break;
        case Block::Kind::table:
          out += "  <table";
          lines_attr(out, b.table.lines);
          out += ">\n";
          for (const Row &r : b.table.rows) {
            Tag row;
            row.put("    <row");
            row.lines(r.lines);
            row.put(">");
            row.flush(out);
            for (const Cell &c : r.cells) {
              // The start tag in one append, then the text.
              Tag tag;
              tag.put("<cell");
              tag.lines(c.lines);
              if (c.rowspan != 1) tag.attr(" rowspan=\"", c.rowspan);
              if (c.colspan != 1) tag.attr(" colspan=\"", c.colspan);
              if (c.header) tag.put(" header=\"true\"");
              if (c.column >= 0) tag.attr(" column=\"", c.column);
              if (c.text.empty()) {
                tag.put("/>");
                tag.flush(out);
              } else {
                tag.put(">");
                tag.flush(out);
                escape_into(out, c.text);
                out += "</cell>";
              }
            }
            out += "</row>\n";
          }
          out += "  </table>\n";
          break;
      }
    }
    for (const Diagnostic &d : diagnostics_) {
      out += "  <diagnostic severity=\"";
      out += d.severity == Severity::info ? "info" : d.severity == Severity::warning ? "warning" : "error";
      out += "\" line=\"" + std::to_string(d.line) + "\" code=\"";
      escape_into(out, d.code);
      out += d.doubt ? "\" doubt=\"true\">" : "\">";
      escape_into(out, d.message);
      out += "</diagnostic>\n";
    }
    out += "</body>\n";
    return out;
  }

 private:
  // Built in place (no temporary strings), one append per attribute: every
  // cell has two to four of these.
  template <size_t N>
  static void int_attr(std::string &out, const char (&open)[N], long v) {
    char buf[N + 24];
    std::memcpy(buf, open, N - 1);
    char *p = std::to_chars(buf + (N - 1), buf + sizeof buf - 1, v).ptr;
    *p++ = '"';
    out.append(buf, p);
  }
  // A start tag composed on the stack (at most some 200 bytes: a cell's six
  // attributes) and appended at once.
  struct Tag {
    char buf[256];
    char *p = buf;
    template <size_t N>
    void put(const char (&lit)[N]) {
      std::memcpy(p, lit, N - 1);
      p += N - 1;
    }
    template <size_t N>
    void attr(const char (&open)[N], long v) {
      put(open);
      p = std::to_chars(p, buf + sizeof buf, v).ptr;
      *p++ = '"';
    }
    void lines(LineRange r) {
      attr(" first-line=\"", r.first);
      attr(" last-line=\"", r.last);
    }
    void flush(std::string &out) const { out.append(buf, static_cast<size_t>(p - buf)); }
  };
  // Room for the whole model up front (escapes aside): the string is not
  // regrown and copied over and over.
  size_t xml_size_estimate() const {
    size_t n = 64;
    for (const Block &b : blocks_) {
      n += 64 + b.text.size();
      for (const Row &r : b.table.rows) {
        n += 56;
        for (const Cell &c : r.cells) n += 64 + c.text.size();
      }
    }
    for (const Diagnostic &d : diagnostics_) n += 80 + d.code.size() + d.message.size();
    return n;
  }
  static void lines_attr(std::string &out, LineRange r) {
    int_attr(out, " first-line=\"", r.first);
    int_attr(out, " last-line=\"", r.last);
  }
  static bool plain(char ch) {
    return ch != '&' && ch != '<' && ch != '>' && ch != '"' && ch != '\t' && ch != '\n' && ch != '\r';
  }
  static void escape_into(std::string &out, std::string_view s) {
    // Runs of characters that need no escape are appended whole.
    size_t i = 0;
    while (i < s.size()) {
      size_t j = i;
      while (j < s.size() && plain(s[j])) ++j;
      out.append(s.data() + i, j - i);
      if (j == s.size()) break;
      const char ch = s[j];
      i = j + 1;
      switch (ch) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\t':
          out += "&#9;";
          break;
        case '\n':
          out += "&#10;";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          out += ch;
      }
    }
  }

  std::vector<Block> blocks_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace docpipe::sdk
