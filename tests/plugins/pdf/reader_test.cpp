#include "reader.hpp"

#include <catch2/catch.hpp>
#include <docpipe/sdk/plugin.hpp>
#include <fstream>
#include <sstream>

#include "layout.hpp"

using namespace docpipe;
using Kind = sdk::Block::Kind;

namespace {

// The fixtures are made by make_fixtures.py beside this file (see there for
// the exact geometry of table.pdf).
std::string fixture(const std::string &name) {
  std::ifstream in(std::string(DOCPIPE_TEST_DIR) + "/plugins/pdf/fixtures/" + name, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<const sdk::Table *> tables(const sdk::RawDocument &d) {
  std::vector<const sdk::Table *> out;
  for (const auto &b : d.blocks())
    if (b.kind == Kind::table) out.push_back(&b.table);
  return out;
}

// "text@column+rowspan*colspan" for each cell of a row.
std::vector<std::string> shape(const sdk::Row &r) {
  std::vector<std::string> out;
  for (const sdk::Cell &c : r.cells)
    out.push_back(c.text + "@" + std::to_string(c.column) + "+" + std::to_string(c.rowspan) + "*" +
                  std::to_string(c.colspan));
  return out;
}

// The error message of reading `bytes`, "" when it is read.
std::string error_of(const std::string &bytes) {
  sdk::RawDocument doc;
  try {
    pdf::read(bytes, doc);
  } catch (const sdk::Error &e) {
    CHECK(e.status() == DOCPIPE_ERR_INPUT);
    return e.what();
  }
  return "";
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("cells are the boxes the rules enclose: spans, blanks, two-line and rotated labels, a page break") {
  sdk::RawDocument doc;
  pdf::read(fixture("table.pdf"), doc);
  const auto &b = doc.blocks();
  REQUIRE(b.size() == 4);
  CHECK(b[0].kind == Kind::heading);  // the larger type
  CHECK(b[0].text == "Annual Report 2024");
  CHECK(b[0].lines.first == 1001);
  CHECK(b[1].kind == Kind::paragraph);
  CHECK(b[1].text == "Some text before the table.");
  CHECK(b[3].kind == Kind::paragraph);  // the page numbers are gone
  CHECK(b[3].text == "After the table.");
  CHECK(b[3].lines.first == 2002);

  // One table: its piece at the top of page 2 continues it.
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  const auto &rows = t[0]->rows;
  REQUIRE(rows.size() == 5);
  CHECK(shape(rows[0]) == V{"Item@0+2*2", "Values@2+1*2"});
  CHECK(shape(rows[1]) == V{"@0+1*2", "a@2+1*1", "b@3+1*1"});  // the rowspan's covered place is blank
  CHECK(shape(rows[2]) == V{"GRP@0+2*1", "first\nsecond@1+1*1", "1@2+1*1", "@3+1*1"});
  CHECK(shape(rows[3]) == V{"@0+1*1", "third@1+1*1", "2@2+1*1", "3@3+1*1"});
  CHECK(shape(rows[4]) == V{"@0+1*1", "fourth@1+1*1", "4@2+1*1", "5@3+1*1"});
  // Lines: page * 1000 + the printed line on the page; a blank cell has its row's.
  CHECK(rows[2].cells[1].lines.first == 1006);
  CHECK(rows[2].cells[1].lines.last == 1008);
  CHECK(rows[2].cells[3].lines.first == rows[2].lines.first);
  CHECK(rows[4].lines.first == 2001);
  CHECK(doc.diagnostics().empty());
}

TEST_CASE("an encrypted PDF that needs a password is refused with a one-line reason") {
  const std::string e = error_of(fixture("encrypted.pdf"));
  CHECK(e.rfind("encrypted PDF: it needs a password", 0) == 0);
  CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("a PDF encrypted with an owner password only is read like any other") {
  sdk::RawDocument plain, owner;
  pdf::read(fixture("table.pdf"), plain);
  pdf::read(fixture("owner-password.pdf"), owner);
  CHECK(owner.to_xml() == plain.to_xml());
}

TEST_CASE("a scanned PDF (images, no text layer) is refused: OCR it first") {
  const std::string e = error_of(fixture("scanned.pdf"));
  CHECK(e.rfind("scanned PDF: no text layer", 0) == 0);
  CHECK(e.find("OCR it first") != std::string::npos);
}

TEST_CASE("a damaged PDF: unreadable is refused, rebuilt is read and flagged as an error diagnostic") {
  CHECK(error_of(fixture("truncated.pdf")).rfind("damaged PDF", 0) == 0);
  CHECK(error_of(std::string("%PDF-1.7\n") + std::string(50, '\0')).rfind("damaged PDF", 0) == 0);
  CHECK(error_of("not a pdf at all").rfind("not a PDF file", 0) == 0);

  sdk::RawDocument doc;
  pdf::read(fixture("no-xref.pdf"), doc);
  REQUIRE(tables(doc).size() == 1);
  REQUIRE(!doc.diagnostics().empty());
  CHECK(doc.diagnostics().front().code == "damaged-pdf");
  CHECK(doc.diagnostics().front().severity == sdk::Severity::error);  // puts the report up for review
}

TEST_CASE("probe: the %PDF- header claims the bytes") {
  CHECK(pdf::probe(fixture("table.pdf")) >= 0.99);
  CHECK(pdf::probe(std::string(100, ' ') + "%PDF-1.4") == Approx(0.9));
  CHECK(pdf::probe("PK\x03\x04 not a pdf") == 0.0);
  CHECK(pdf::probe("") == 0.0);
}

namespace {

pdf::Glyph glyph(char32_t c, float x, float baseline, float size = 10) {
  pdf::Glyph g;
  g.ch = c;
  g.x0 = x, g.x1 = x + size * 0.6f, g.y0 = baseline - size * 0.8f, g.y1 = baseline + size * 0.2f;
  g.size = size;
  return g;
}

void word(pdf::Page &p, const std::u32string &w, float x, float baseline) {
  for (char32_t c : w) p.glyphs.push_back(glyph(c, x, baseline)), x += 6;
}

pdf::Rule h(float x0, float x1, float y) { return {x0, y, x1, y}; }
pdf::Rule v(float x, float y0, float y1) { return {x, y0, x, y1}; }

}  // namespace

TEST_CASE(
    "layout: rules a little apart, drawn twice or in pieces, are one, and a rule missing leaves one merged cell") {
  pdf::Page p;
  p.width = 595, p.height = 842;
  // Two rows, three columns; the header's column rule sits 1 pt off the
  // body's and the middle rule of row 0 is missing (a 2-column header cell).
  p.rules = {h(50, 350, 100), h(50, 200, 120),  h(200, 350, 120.8f), h(50, 350, 140),  h(50, 350, 140.3f),
             v(50, 100, 140), v(150, 120, 140), v(151, 100, 120),    v(250, 120, 140), v(350, 100, 140)};
  word(p, U"head", 60, 115);
  word(p, U"wide", 200, 115);
  word(p, U"x", 60, 135);
  word(p, U"1", 160, 135);
  word(p, U"2", 260, 135);
  sdk::RawDocument doc;
  pdf::lay_out({p}, doc);
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  REQUIRE(t[0]->rows.size() == 2);
  // Row 0: head | wide (over the columns of 1 and 2); row 1: x | 1 | 2.
  CHECK(shape(t[0]->rows[0]) == V{"head@0+1*1", "wide@1+1*2"});
  CHECK(shape(t[0]->rows[1]) == V{"x@0+1*1", "1@1+1*1", "2@2+1*1"});
}

TEST_CASE("layout: a frame around text is a paragraph, not a table, and a number wrapped in a narrow cell is joined") {
  pdf::Page p;
  p.width = 595, p.height = 842;
  p.rules = {h(50, 400, 50), h(50, 400, 80), v(50, 50, 80), v(400, 50, 80)};
  word(p, U"boxed note", 60, 70);
  // A table with a narrow value cell holding "452.83" printed as "452." over "83".
  p.rules.insert(p.rules.end(),
                 {h(50, 200, 200), h(50, 200, 240), v(50, 200, 240), v(120, 200, 240), v(200, 200, 240)});
  word(p, U"label", 60, 215);
  word(p, U"452.", 130, 215);
  word(p, U"83", 130, 228);
  sdk::RawDocument doc;
  pdf::lay_out({p}, doc);
  REQUIRE(doc.blocks().size() == 2);
  CHECK(doc.blocks()[0].kind == Kind::paragraph);
  CHECK(doc.blocks()[0].text == "boxed note");
  REQUIRE(doc.blocks()[1].kind == Kind::table);
  CHECK(shape(doc.blocks()[1].table.rows[0]) == V{"label@0+1*1", "452.83@1+1*1"});
}

TEST_CASE("layout: a table without rules is read from the glyphs, a blank column from its header") {
  pdf::Page p;
  p.width = 595, p.height = 842;
  // Header: "Item", "A", "B", "C"; B's column is blank on every data line.
  word(p, U"Item", 50, 100);
  word(p, U"A", 200, 100);
  word(p, U"B", 260, 100);
  word(p, U"C", 320, 100);
  word(p, U"one", 50, 115);
  word(p, U"1", 200, 115);
  word(p, U"3", 320, 115);
  word(p, U"two", 50, 130);
  word(p, U"4", 200, 130);
  word(p, U"6", 320, 130);
  word(p, U"three", 50, 145);  // a label wrapped over two lines
  word(p, U"more", 50, 157);
  word(p, U"7", 200, 145);
  word(p, U"9", 320, 145);
  word(p, U"A sentence after the table, 12 words.", 50, 200);
  sdk::RawDocument doc;
  pdf::lay_out({p}, doc);
  REQUIRE(doc.blocks().size() == 2);
  REQUIRE(doc.blocks()[0].kind == Kind::table);
  const auto &rows = doc.blocks()[0].table.rows;
  REQUIRE(rows.size() == 4);
  auto texts = [](const sdk::Row &r) {
    V out;
    for (const auto &c : r.cells) out.push_back(c.text);
    return out;
  };
  CHECK(texts(rows[0]) == V{"Item", "A", "B", "C"});
  CHECK(texts(rows[1]) == V{"one", "1", "", "3"});  // the blank stays blank, in its column
  CHECK(texts(rows[3]) == V{"three\nmore", "7", "", "9"});
  CHECK(doc.blocks()[1].kind == Kind::paragraph);
  REQUIRE(!doc.diagnostics().empty());
  CHECK(doc.diagnostics().front().code == "table-without-rules");
}

TEST_CASE("a PDF whose last MuPDF warning comes when the context is dropped (found by fuzzing)") {
  // The warning handler's state must outlive MuPDF's context (AddressSanitizer
  // reported a stack use after scope in the sanitizer build).
  sdk::RawDocument doc;
  try {
    pdf::read(fixture("warning-at-close.pdf"), doc);
  } catch (const sdk::Error &e) {
    CHECK(e.status() == DOCPIPE_ERR_INPUT);
  }
}
