// Unit tests of the tab-separated parser: one small fixture per damage
// pattern of issue 4, asserting labels, values and blanks.
#include "tsv_parser.hpp"

#include <catch2/catch.hpp>
#include <docpipe/sdk/plugin.hpp>
#include <string>
#include <vector>

#include "tsv_support.hpp"

using docpipe::sdk::Block;
using docpipe::sdk::RawDocument;
using docpipe::sdk::Row;
using docpipe::sdk::Table;

namespace {

std::string fixture(const std::string &name) {
  return tsvtest::read_bytes(std::string(DOCPIPE_TEST_DIR) + "/plugins/tab-separated/fixtures/" + name);
}

RawDocument parse_fixture(const std::string &name) {
  RawDocument doc;
  docpipe::tsv::parse(fixture(name), doc);
  return doc;
}

std::vector<const Table *> tables(const RawDocument &doc) {
  std::vector<const Table *> out;
  for (const Block &b : doc.blocks())
    if (b.kind == Block::Kind::table) out.push_back(&b.table);
  return out;
}

// The data row whose deepest label (before the last `nvalues` cells) normalises to `label`.
const Row *row_by_label(const RawDocument &doc, const std::string &label, size_t nvalues) {
  const std::string key = tsvtest::normalise_label(label);
  for (const Table *t : tables(doc))
    for (const Row &r : t->rows) {
      if (tsvtest::is_header_row(r) || r.cells.size() <= nvalues) continue;
      std::string last;
      for (size_t i = 0; i + nvalues < r.cells.size(); ++i)
        if (!r.cells[i].text.empty()) last = r.cells[i].text;
      if (tsvtest::normalise_label(last) == key) return &r;
    }
  return nullptr;
}

std::vector<std::string> last_values(const Row &r, size_t n) {
  std::vector<std::string> out;
  for (size_t i = r.cells.size() - n; i < r.cells.size(); ++i) out.push_back(r.cells[i].text);
  return out;
}

std::vector<std::string> labels_of(const Row &r, size_t nvalues) {
  std::vector<std::string> out;
  for (size_t i = 0; i + nvalues < r.cells.size(); ++i)
    if (!r.cells[i].text.empty()) out.push_back(r.cells[i].text);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("value-like cells and enumerators", "[unit]") {
  using docpipe::tsv::enumerator_level;
  using docpipe::tsv::is_value_like;
  CHECK(is_value_like("0"));
  CHECK(is_value_like("1,234"));
  CHECK(is_value_like("+5"));
  CHECK(is_value_like("-2"));
  CHECK(is_value_like("12.5"));
  CHECK(is_value_like("１２"));
  CHECK(is_value_like("251000元"));
  CHECK(is_value_like("—"));
  CHECK(is_value_like("不适用"));
  CHECK_FALSE(is_value_like(""));
  CHECK_FALSE(is_value_like("自然人"));
  CHECK_FALSE(is_value_like("1.属于国家秘密"));
  CHECK(enumerator_level("一、本年新收") == 0);
  CHECK(enumerator_level("（三）不予公开") == 1);
  CHECK(enumerator_level("(三) 不予公开") == 1);
  CHECK(enumerator_level("8. 属于行") == 2);
  CHECK(enumerator_level("2.重复申请") == 2);
  CHECK(enumerator_level("12.5") == -1);
  CHECK(enumerator_level("一项加第二项之和") == -1);
  CHECK(enumerator_level("（本列数据的勾稽关系为") == -1);
  CHECK(docpipe::tsv::join_pieces("8. 属于行", "政查询 事项") == "8. 属于行政查询 事项");
  CHECK(docpipe::tsv::join_pieces("Total", "2020") == "Total 2020");
}

TEST_CASE("CJK letter-spacing is removed from labels and headers, never from values", "[unit]") {
  const RawDocument doc = parse_fixture("cjk_spaces_injected.tsv");
  REQUIRE(tables(doc).size() == 1);
  const Row *r1 = row_by_label(doc, "一、本年新收政府信息公开申请数量", 7);
  REQUIRE(r1 != nullptr);
  CHECK(labels_of(*r1, 7) == V{"一、本年新收政府信息公开申请数量"});
  CHECK(last_values(*r1, 7) == V{"12", "", "1", "", "", "", "13"});
  const Row *r2 = row_by_label(doc, "二、上年结转政府信息公开申请数量", 7);
  REQUIRE(r2 != nullptr);
  CHECK(last_values(*r2, 7) == V{"", "", "", "", "", "", "0"});
  // The header row: distributed text joined, the split 勾稽 note re-joined.
  bool natural = false, note = false;
  for (const Row &r : tables(doc)[0]->rows)
    for (const auto &c : r.cells) {
      natural = natural || (c.header && c.text == "自然人" && c.column == 2);
      note = note || (c.header && c.text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)");
    }
  CHECK(natural);
  CHECK(note);
}

TEST_CASE("shifted label columns: a group label in field 1 with its item, or in field 0", "[unit]") {
  const RawDocument doc = parse_fixture("shifted_label_columns.tsv");
  const Row *secret = row_by_label(doc, "1.属于国家秘密", 7);
  REQUIRE(secret != nullptr);
  CHECK(labels_of(*secret, 7) == V{"(三) 不予公开", "1. 属于国家秘密"});
  CHECK(last_values(*secret, 7) == V{"", "", "", "", "", "", "0"});
  const Row *other = row_by_label(doc, "2.其他法律行政法规禁止公开", 7);
  REQUIRE(other != nullptr);
  CHECK(last_values(*other, 7) == V{"1", "", "", "", "", "", "1"});
  const Row *unknown = row_by_label(doc, "1.本机关不掌握相关政府信息", 7);
  REQUIRE(unknown != nullptr);
  CHECK(labels_of(*unknown, 7) == V{"(四) 无法提供", "1. 本机关不掌握相关政府信息"});
  CHECK(last_values(*unknown, 7) == V{"3", "", "", "", "", "", "3"});
  const Row *open = row_by_label(doc, "（一）予以公开", 7);
  REQUIRE(open != nullptr);
  CHECK(labels_of(*open, 7) == V{"三、本年度办理结果", "(一) 予以公开"});
  CHECK(last_values(*open, 7) == V{"3", "3", "", "", "", "2", "8"});
  // Every data row carries exactly the seven value cells at its end.
  for (const Row &r : tables(doc)[0]->rows)
    if (!tsvtest::is_header_row(r)) CHECK(r.cells.back().column == 8);
}

TEST_CASE("a label cell split across a page break is re-joined, labels overflowing into values", "[unit]") {
  const RawDocument doc = parse_fixture("cell_split_across_page_break.tsv");
  REQUIRE(tables(doc).size() == 1);
  const Row *query = row_by_label(doc, "8.属于行政查询事项", 7);
  REQUIRE(query != nullptr);
  CHECK(labels_of(*query, 7) == V{"8. 属于行政查询事项"});
  CHECK(last_values(*query, 7) == V(7, ""));  // blanks, never "0"
  CHECK(query->lines.first == 4);
  CHECK(query->lines.last == 6);
  const Row *repeat = row_by_label(doc, "2.重复申请", 7);
  REQUIRE(repeat != nullptr);  // "2. 重复申" … form feed … "请"
  CHECK(last_values(*repeat, 7) == V(7, ""));
  const Row *secret = row_by_label(doc, "1.属于国家秘密", 7);
  REQUIRE(secret != nullptr);  // the item sits in the 自然人 field: still a label, 7 blank values follow
  CHECK(labels_of(*secret, 7) == V{"(三) 不予公开", "1. 属于国家秘密"});
  CHECK(row_by_label(doc, "请", 7) == nullptr);
  CHECK(row_by_label(doc, "政查询事项", 7) == nullptr);
}

TEST_CASE("a page-split row whose values are on its second part", "[unit]") {
  const RawDocument doc = parse_fixture("split_row_values_on_second_part.tsv");
  const Row *r = row_by_label(doc, "4.保护第三方合法权益", 7);
  REQUIRE(r != nullptr);
  CHECK(last_values(*r, 7) == V{"5", "", "", "", "", "", "5"});
  const Row *next = row_by_label(doc, "5.属于三类内部事务信息", 7);
  REQUIRE(next != nullptr);
  CHECK(last_values(*next, 7) == V{"", "", "", "", "", "", "0"});
}

TEST_CASE("pdftotext|sed: label fragments on their own lines and beside the next row", "[unit]") {
  const RawDocument doc = parse_fixture("label_fragments_own_lines.tsv");
  REQUIRE(tables(doc).size() == 1);
  const Row *first = row_by_label(doc, "一、本年新收政府信息公开申请数量", 7);
  REQUIRE(first != nullptr);
  CHECK(last_values(*first, 7) == V{"1,234", "0", "0", "0", "0", "0", "1,234"});
  const Row *open = row_by_label(doc, "（一）予以公开", 7);
  REQUIRE(open != nullptr);
  CHECK(labels_of(*open, 7) == V{"三、本年度办理结果", "（一）予以公开"});  // "三、本" + "年度办" + "理结果"
  const Row *part = row_by_label(doc, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 7);
  REQUIRE(part != nullptr);
  CHECK(last_values(*part, 7) == V{"1", "0", "0", "0", "0", "0", "1"});
  const Row *secret = row_by_label(doc, "1.属于国家秘密", 7);
  REQUIRE(secret != nullptr);
  CHECK(labels_of(*secret, 7) == V{"（三）不予公开", "1.属于国家秘密"});
  const Row *other = row_by_label(doc, "2.其他法律行政法规禁止公开", 7);
  REQUIRE(other != nullptr);
  CHECK(last_values(*other, 7) == V{"2", "0", "0", "0", "0", "0", "2"});
  const Row *unknown = row_by_label(doc, "1.本机关不掌握相关政府信息", 7);
  REQUIRE(unknown != nullptr);
  CHECK(labels_of(*unknown, 7) == V{"（四）无法提供", "1.本机关不掌握相关政府信息"});
  // Headings on both sides stay narrative.
  int headings = 0;
  for (const Block &b : doc.blocks()) headings += b.kind == Block::Kind::heading ? 1 : 0;
  CHECK(headings == 2);
}

TEST_CASE("spreadsheet TSV: RFC 4180 quoting with TABs, newlines and doubled quotes", "[unit]") {
  const RawDocument doc = parse_fixture("quoted_field_with_newline.tsv");
  REQUIRE(tables(doc).size() == 1);
  const Table &t = *tables(doc)[0];
  bool made = false;
  for (const Row &r : t.rows)
    for (const auto &c : r.cells) made = made || (c.header && c.text == "本年新制作数量" && r.lines.last == 5);
  CHECK(made);
  const Row *rules = row_by_label(doc, "规章", 3);
  REQUIRE(rules != nullptr);
  CHECK(last_values(*rules, 3) == V{"1", "", "6"});  // the trailing empty grid columns are gone
  const Row *quoted = row_by_label(doc, "规范性\"文件\"", 3);
  REQUIRE(quoted != nullptr);
  CHECK(quoted->cells.front().text == "规范性\"文件\"");
  CHECK(quoted->cells[2].text == "1\t2");
}

TEST_CASE("noise: rule lines, form feeds, trailing TABs and stray CR", "[unit]") {
  const RawDocument doc = parse_fixture("noise_rules_formfeeds_trailing_tabs.tsv");
  REQUIRE(tables(doc).size() == 1);
  const Row *fee = row_by_label(doc, "行政事业性收费", 2);
  REQUIRE(fee != nullptr);
  CHECK(fee->cells.size() == 3);
  CHECK(last_values(*fee, 2) == V{"4", "-1"});
  for (const Row &r : tables(doc)[0]->rows)
    for (const auto &c : r.cells) {
      CHECK(c.text.find('\r') == std::string::npos);
      CHECK(c.text.find('\f') == std::string::npos);
      CHECK(c.text.find("---") == std::string::npos);
    }
}

TEST_CASE("narrative and headings around a table", "[unit]") {
  const RawDocument doc = parse_fixture("narrative_between_tables.tsv");
  std::vector<std::string> kinds;
  for (const Block &b : doc.blocks())
    kinds.push_back(b.kind == Block::Kind::heading ? "H:" + b.text : b.kind == Block::Kind::paragraph ? "P" : "T");
  CHECK(kinds ==
        V{"H:2020年某某局政府信息公开工作年度报告", "H:一、总体情况", "P", "T", "H:五、存在的主要问题及改进情况", "P"});
  const Table &t = *tables(doc)[0];
  const Row &data = t.rows.back();
  REQUIRE(data.cells.size() == 15);
  CHECK(data.cells[0].text == "1");
  CHECK(data.cells[1].text == "");
  CHECK(data.cells[2].text == "+2");  // values exactly as written
}

TEST_CASE("bad input: no table is diagnosed, binary and empty input are errors", "[unit]") {
  const RawDocument doc = parse_fixture("no_table.tsv");
  CHECK(tables(doc).empty());
  REQUIRE_FALSE(doc.diagnostics().empty());
  CHECK(doc.diagnostics().back().code == "no-table");
  CHECK(doc.blocks().size() == 2);
  RawDocument bin;
  CHECK_THROWS_AS(docpipe::tsv::parse(std::string("\x7f"
                                                  "ELF\0\0\t\x01",
                                                  8),
                                      bin),
                  docpipe::sdk::Error);
  RawDocument empty;
  CHECK_THROWS_AS(docpipe::tsv::parse("  \n\n", empty), docpipe::sdk::Error);
}

TEST_CASE("a table that makes no sense is diagnosed while the rest converts", "[unit]") {
  // Two columns of header text and a data row without any value.
  const std::string text =
      "一、总体情况\n\n本年度工作正常。\n\n甲方\t乙方\t丙方\n说明\t另一说明\t第三说明\n\n二、其他\n\n无。\n";
  RawDocument doc;
  docpipe::tsv::parse(text, doc);
  int paragraphs = 0;
  for (const Block &b : doc.blocks()) paragraphs += b.kind == Block::Kind::paragraph ? 1 : 0;
  CHECK(paragraphs == 2);
  CHECK(tables(doc).size() == 1);
  bool diagnosed = false;
  for (const auto &d : doc.diagnostics()) diagnosed = diagnosed || (d.code == "no-data-rows" && d.line == 5);
  CHECK(diagnosed);
}

TEST_CASE("probe: high for TAB grids, low for Word-export cells and space-aligned text", "[unit][probe]") {
  for (const char *f : {"cjk_spaces_injected.tsv", "shifted_label_columns.tsv", "label_fragments_own_lines.tsv",
                        "quoted_field_with_newline.tsv", "cell_split_across_page_break.tsv"})
    CHECK(docpipe::tsv::probe(fixture(f)) >= 0.7);
  CHECK(docpipe::tsv::probe(fixture("word_export_cells.tsv")) <= 0.2);
  CHECK(docpipe::tsv::probe(fixture("no_table.tsv")) <= 0.1);
  CHECK(docpipe::tsv::probe("信息内容      本年新制作数量   本年新公开数量\n规章          1               2\n") <= 0.1);
  CHECK(docpipe::tsv::probe("") == 0.0);
}

TEST_CASE("a header wider than its data rows is read without reading past a record", "[unit]") {
  // The header names a column (备注) right of every data row's last field: the
  // rows are short of that column, so they are read as ragged rows (found by
  // `pdftotext -layout | sed` text, where this read past the record).
  const std::string text =
      "二、主动公开政府信息情况\n\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\t\t\t备注\n"
      "规章\t1\t2\t3\n规范性文件\t4\t5\t6\n行政许可\t7\t8\t9\n";
  RawDocument doc;
  docpipe::tsv::parse(text, doc);
  REQUIRE(tables(doc).size() == 1);
  const Row *rules = row_by_label(doc, "规章", 3);
  REQUIRE(rules != nullptr);
  CHECK(last_values(*rules, 3) == V{"1", "2", "3"});
  const Row *licensing = row_by_label(doc, "行政许可", 3);
  REQUIRE(licensing != nullptr);
  CHECK(last_values(*licensing, 3) == V{"7", "8", "9"});
}

TEST_CASE("Chinese-numeral enumerators with a period or comma start rows like 、", "[unit]") {
  // "二." for "二、" (typed or normalised by an export): each still starts its
  // own row; before, row 二 took 三.本年度办理结果 as the rest of its label.
  const std::string text =
      "三、收到和处理政府信息公开申请情况\n\n"
      "\t\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
      "\t\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
      "一，本年新收政府信息公开申请数量\t\t\t\t6\t0\t0\t1\t1\t1\t9\n"
      "二.上年结转政府信息公开申请数量\t\t\t\t0\t0\t0\t0\t2\t0\t2\n"
      "三.本年度办理结果\t（一）予以公开\t\t\t4\t0\t0\t1\t0\t0\t5\n";
  RawDocument doc;
  docpipe::tsv::parse(text, doc);
  REQUIRE(tables(doc).size() == 1);
  const Row *carried = row_by_label(doc, "二.上年结转政府信息公开申请数量", 7);
  REQUIRE(carried != nullptr);
  CHECK(labels_of(*carried, 7) == V{"二.上年结转政府信息公开申请数量"});
  CHECK(last_values(*carried, 7) == V{"0", "0", "0", "0", "2", "0", "2"});
  const Row *opened = row_by_label(doc, "（一）予以公开", 7);
  REQUIRE(opened != nullptr);
  CHECK(labels_of(*opened, 7) == V{"三.本年度办理结果", "（一）予以公开"});
}

TEST_CASE("a space beside a lone Han character is letter-spacing, not a column gap (pdftotext | sed)", "[unit]") {
  // `提供<TAB>关 政府信息` continues （四）无法 and 1.本机关不掌 握相: splitting
  // at its space gave 关 to the group label and dropped it from the item.
  const RawDocument doc = parse_fixture("sed_letter_spaced_continuations.tsv");
  const Row *unknown = row_by_label(doc, "1.本机关不掌握相关政府信息", 7);
  REQUIRE(unknown != nullptr);
  CHECK(labels_of(*unknown, 7) == V{"（四）无法提供", "1.本机关不掌握相关政府信息"});
  const Row *complaints = row_by_label(doc, "1.信访举报投诉类申请", 7);
  REQUIRE(complaints != nullptr);
  // 处理<TAB>申 请: 申 stays in the item. (The group label also takes the 认或
  // of `认或 重新出具已获` further down, a split this text leaves ambiguous.)
  CHECK(labels_of(*complaints, 7).back() == "1.信访举报投诉类申请");
}

// What `sed -E 's/^ +//; s/ {2,}/\t/g'` makes of a w3m or pandoc table: one
// space is left where the producer put only one between two cells.
TEST_CASE("sed output: a value glued to its label, numbers glued to each other", "[unit]") {
  const std::string text =
      "三、收到和处理政府信息公开申请情况\n\n"
      "申请人情况\n"
      "（本列数据的勾稽关系）\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
      "一、本年新收政府信息公开申请数量\t1751 271\t22\t34\t96\t148 2322\n"
      "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
      "（一）予以公开\t956\t115\t7\t4\t48\t51\t1181\n"
      "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 86\t22\t3\t0\t6\t5\t122\n"
      "（三）不予公开\t1.属于国家秘密\t5\t0\t0\t0\t0\t1\t6\n";
  RawDocument doc;
  docpipe::tsv::parse(text, doc);
  REQUIRE(tables(doc).size() == 1);
  // Two values short, and two spaces between digits: 1751|271, 148|2322.
  const Row *received = row_by_label(doc, "一、本年新收政府信息公开申请数量", 7);
  REQUIRE(received != nullptr);
  CHECK(last_values(*received, 7) == V{"1751", "271", "22", "34", "96", "148", "2322"});
  // One value short, and the label ends in " 86".
  const Row *partly = row_by_label(doc, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 7);
  REQUIRE(partly != nullptr);
  CHECK(last_values(*partly, 7) == V{"86", "22", "3", "0", "6", "5", "122"});
  // A full row keeps a number with a space as it always did: no evidence of a gap.
  const Row *opened = row_by_label(doc, "（一）予以公开", 7);
  REQUIRE(opened != nullptr);
  CHECK(last_values(*opened, 7) == V{"956", "115", "7", "4", "48", "51", "1181"});
}

TEST_CASE("sed output: a section title two fields wide after a data row starts the next section", "[unit]") {
  const std::string active =
      "二、主动公开政府信息情况\n\n"
      "第二十条第（一）项\t\n"
      "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
      "规章\t1\t2\t3\n"
      "规范性文件\t4\t5\t6\n"
      "第二十条第（五）项\t\n"
      "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
      "行政许可\t7\t8\t9\n";
  RawDocument doc2;
  docpipe::tsv::parse(active, doc2);
  // 第二十条第（五）项<TAB> is the next section's title, not the rest of 规范性文件.
  const Row *normative = row_by_label(doc2, "规范性文件", 3);
  REQUIRE(normative != nullptr);
  CHECK(labels_of(*normative, 3) == V{"规范性文件"});
  CHECK(last_values(*normative, 3) == V{"4", "5", "6"});
}

TEST_CASE("sed output of a narrow PDF table: two values glued to most labels", "[unit]") {
  // The label column is so narrow that pdftotext left one space before the
  // first two values of most rows; counted with those, the rows are 7 wide.
  const std::string text =
      "三、收到和处理政府信息公开申请情况\n\n"
      "申请人情况\n"
      "自然人\t法人或其他组织\t总计\n"
      "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n"
      "一、本年新收政府信息公开申请数量\t6\t0\t0\t1\t1\t1\t9\n"
      "（三）不予公开\t1.属于国家秘密 5 0\t0\t0\t0\t1\t6\n"
      "2.其他法律行政法规禁止公开 13 3\t0\t0\t0\t2\t18\n"
      "3.危及“三安全一稳定” 8 0\t0\t0\t0\t1\t9\n";
  RawDocument doc;
  docpipe::tsv::parse(text, doc);
  REQUIRE(tables(doc).size() == 1);
  const Row *secret = row_by_label(doc, "1.属于国家秘密", 7);
  REQUIRE(secret != nullptr);
  CHECK(last_values(*secret, 7) == V{"5", "0", "0", "0", "0", "1", "6"});
  const Row *laws = row_by_label(doc, "2.其他法律行政法规禁止公开", 7);
  REQUIRE(laws != nullptr);
  CHECK(last_values(*laws, 7) == V{"13", "3", "0", "0", "0", "2", "18"});
}

TEST_CASE("pipe rows: a Markdown table and bare rows with a trailing pipe are read as fields", "[unit]") {
  const std::string markdown =
      "二、主动公开政府信息情况\n\n"
      "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
      "|:---------|---------------:|:--------------:|---|\n"
      "| 规章     | 0              |                | 5 |\n"
      "| 规范性文件 | 8            | 8              | 55 |\n\n"
      "他们说 a | b 不是表格。\n";
  RawDocument doc;
  docpipe::tsv::parse(markdown, doc);
  const Row *rules = row_by_label(doc, "规章", 3);
  REQUIRE(rules != nullptr);
  CHECK(last_values(*rules, 3) == V{"0", "", "5"});
  CHECK(rules->cells.back().lines.first == 5);  // line for line: the rule row is an empty line
  const Row *normative = row_by_label(doc, "规范性文件", 3);
  REQUIRE(normative != nullptr);
  CHECK(last_values(*normative, 3) == V{"8", "8", "55"});
  CHECK(doc.blocks().back().kind == Block::Kind::paragraph);
  CHECK(doc.blocks().back().text == "他们说 a | b 不是表格。");

  const std::string bare =
      "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
      "规章 | 0 |  | 5 |\n"
      "规范性文件 | 8 | 8 | 55 |\n"
      "行政许可 | 1 \\| 2 | 3 | 4 |\n";
  RawDocument doc2;
  docpipe::tsv::parse(bare, doc2);
  const Row *r2 = row_by_label(doc2, "规章", 3);
  REQUIRE(r2 != nullptr);
  CHECK(last_values(*r2, 3) == V{"0", "", "5"});
  const Row *escaped = row_by_label(doc2, "行政许可", 3);
  REQUIRE(escaped != nullptr);
  CHECK(last_values(*escaped, 3) == V{"1 | 2", "3", "4"});
}

TEST_CASE("pipe rows: too few rows of one width are text, not a table", "[unit]") {
  CHECK(docpipe::tsv::probe("首页 | 政务公开 | 互动交流\n正文一段。\n正文二段。\n") < 0.25);
}
