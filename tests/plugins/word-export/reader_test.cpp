#include "reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace docpipe;
using Kind = sdk::Block::Kind;

namespace {

std::string fixture(const std::string &name) {
  std::ifstream in(std::string(DOCPIPE_TEST_DIR) + "/plugins/word-export/fixtures/" + name, std::ios::binary);
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

}  // namespace

TEST_CASE("bookmarks are removed, a cell's further paragraphs join it, and headings are found") {
  sdk::RawDocument doc;
  word_export::read(fixture("bookmark_and_multiparagraph_cell.txt"), doc);
  const auto &blocks = doc.blocks();
  REQUIRE(blocks.size() >= 5);
  CHECK(blocks[0].kind == Kind::paragraph);
  CHECK(blocks[0].text == "附件1");
  CHECK(blocks[2].kind == Kind::heading);
  CHECK(blocks[2].text == "一、总体情况");
  CHECK(blocks[2].level == 1);
  CHECK(blocks[3].text == "2020年，某局认真落实条例。");
  CHECK(blocks[3].lines.first == 7);
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  REQUIRE(t[0]->rows.size() == 3);
  CHECK(t[0]->rows[0].cells.size() == 1);
  const auto &header = t[0]->rows[1];
  REQUIRE(header.cells.size() == 4);
  CHECK(header.cells[1].text == "本年新\n制作数量");
  CHECK(header.cells[1].lines.first == 12);
  CHECK(header.cells[1].lines.last == 13);
  CHECK(header.cells[2].text == "本年新\n公开数量");
  const auto &rules = t[0]->rows[2];
  REQUIRE(rules.cells.size() == 4);
  CHECK(rules.cells[1].text == "0");
  CHECK(rules.cells[2].text.empty());  // a space: blank, not 0
  CHECK(rules.cells[3].text.empty());  // NBSP
  CHECK(blocks.back().kind == Kind::heading);
  CHECK(blocks.back().text == "二、收到和处理政府信息公开申请情况");
}

TEST_CASE("an empty paragraph inside a cell does not end the row, blank cells stay blank") {
  sdk::RawDocument doc;
  word_export::read(fixture("empty_paragraph_inside_cell_and_blank_cells.txt"), doc);
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  REQUIRE(t[0]->rows.size() == 2);
  CHECK(t[0]->rows[0].cells.size() == 3);
  const auto &r = t[0]->rows[1];
  REQUIRE(r.cells.size() == 6);
  CHECK(r.cells[0].text.empty());  // vertically merged: a bare TAB line
  CHECK(r.cells[1].text == "（四）无法\n\n提供");
  CHECK(r.cells[2].text == "1.本机关不掌握相关政府信息");
  CHECK(r.cells[3].text.empty());  // U+3000
  CHECK(r.cells[4].text.empty());  // 600 spaces
  CHECK(r.cells[5].text.empty());  // EN SPACE
  CHECK(doc.blocks().back().text == "六、其他需要报告的事项");
}

TEST_CASE("the probe tells Tika's Word text from TAB-separated and plain text") {
  CHECK(word_export::probe(fixture("bookmark_and_multiparagraph_cell.txt") +
                           fixture("empty_paragraph_inside_cell_and_blank_cells.txt")) > 0.5);
  CHECK(word_export::probe("a\tb\tc\nd\te\tf\n1\t2\t3\n4\t5\t6\n7\t8\t9\n1\t2\t3\n4\t5\t6\n7\t8\t9\n") == 0.0);
  CHECK(word_export::probe("一、总体情况\n    规章      0     0\n") == 0.0);
}

TEST_CASE("text without any table gets a diagnostic, not an error") {
  sdk::RawDocument doc;
  word_export::read("一、总体情况\n\n本年度无。\n", doc);
  REQUIRE(doc.diagnostics().size() == 1);
  CHECK(doc.diagnostics()[0].code == "no-table");
}

TEST_CASE("a section heading one blank line after a number or empty cell ends the table") {
  // Tika 2 closes a table with three newlines; with one, "三、…" was read as
  // a further paragraph of the last cell and the row lost its values.
  sdk::RawDocument doc;
  word_export::read(
      "二、主动公开政府信息情况\n\t行政许可\n\t0\n\t5\n\n三、收到和处理政府信息公开申请情况\n\t自然人\n\t\n\n"
      "四、政府信息公开行政复议、行政诉讼情况\n\t（四）无法\n\n提供\n\t1\n",
      doc);
  const auto t = tables(doc);
  REQUIRE(t.size() == 3);
  REQUIRE(t[0]->rows.size() == 1);
  CHECK(t[0]->rows[0].cells.back().text == "5");
  CHECK(t[1]->rows[0].cells.back().text.empty());
  // A text cell keeps its empty paragraph and the text after it.
  CHECK(t[2]->rows[0].cells[0].text == "（四）无法\n\n提供");
  int headings = 0;
  for (const auto &b : doc.blocks()) headings += b.kind == Kind::heading ? 1 : 0;
  CHECK(headings == 3);
}
