#include "reader.hpp"

#include <catch2/catch.hpp>
#include <docpipe/sdk/shape_hints.hpp>

#include "templates/hints.hpp"
#include "templates/template.hpp"

using namespace docpipe;
using Kind = sdk::Block::Kind;

namespace {

// The hints the host passes: made by the core from the project's templates.
const sdk::ShapeHints &hints() {
  static const sdk::ShapeHints h = sdk::parse_shape_hints(
      templates::shape_hints_xml(templates::load_templates(std::string(DOCPIPE_SOURCE_DIR) + "/formats/templates")));
  return h;
}

std::vector<const sdk::Table *> tables(const sdk::RawDocument &d) {
  std::vector<const sdk::Table *> out;
  for (const auto &b : d.blocks())
    if (b.kind == Kind::table) out.push_back(&b.table);
  return out;
}

// The rows of the one table that `text` reads into `doc`.
const std::vector<sdk::Row> &one_table(const std::string &text, sdk::RawDocument &doc) {
  cell_per_line::read(text, hints(), doc);
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  return t[0]->rows;
}

std::vector<std::string> texts(const sdk::Row &r) {
  std::vector<std::string> out;
  for (const auto &c : r.cells) out.push_back(c.text);
  return out;
}

std::string lines(std::initializer_list<const char *> l) {
  std::string out;
  for (const char *s : l) out += std::string(s) + "\n";
  return out;
}

// The top of table 2's header as LibreOffice's text export prints it, up to
// the applicant kinds under 法人或其他组织 (which the tests print each their way).
const std::string kRequestsHeaderTop =
    lines({"三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计", "", ""});

// Table 3 of the 2019 format as LibreOffice's text export prints it: header
// cells row by row, the merged cells' continuations as empty lines.
const std::string kAppealsHeader = lines({"四、政府信息公开行政复议、行政诉讼情况",
                                          "行政复议",
                                          "行政诉讼",
                                          "结果维持",
                                          "结果纠正",
                                          "其他结果",
                                          "尚未审结",
                                          "总计",
                                          "未经复议直接起诉",
                                          "复议后起诉",
                                          "",
                                          "",
                                          "",
                                          "",
                                          "",
                                          "结果维持",
                                          "结果纠正",
                                          "其他结果",
                                          "尚未审结",
                                          "总计",
                                          "结果维持",
                                          "结果纠正",
                                          "其他结果",
                                          "尚未审结",
                                          "总计"});

}  // namespace

TEST_CASE("the hints hold every table of every template with its shape") {
  const auto &h = hints();
  // Three tables in each template, and ogi-2021's second layout of 收到和处理
  // (the 2019 result rows, a variant).
  REQUIRE(h.tables.size() == 7);
  const sdk::HintTable *requests = nullptr, *mixed = nullptr;
  for (const auto &t : h.tables) {
    if (t.template_id == "ogi-2019" && t.id == "requests") requests = &t;
    if (t.template_id == "ogi-2021" && t.id == "requests" && t.variant == "ogi-2019") mixed = &t;
  }
  REQUIRE(mixed != nullptr);
  REQUIRE(requests != nullptr);
  CHECK(requests->variant == "ogi-2019");
  CHECK(requests->values_at_end);
  REQUIRE(requests->sections.size() == 1);
  const auto &s = requests->sections[0];
  CHECK(s.columns.size() == 7);
  CHECK(s.columns[1].labels == std::vector<std::string>{"法人或其他组织", "商业企业"});
  CHECK(s.rows.size() == 23);
  CHECK(s.rows[4].groups == std::vector<std::string>{"三、本年度办理结果", "（三）不予公开"});
  CHECK(s.rows[4].label == "1.属于国家秘密");
  CHECK(s.rows[4].keys.front() == "属于国家秘密");
  CHECK(requests->header_labels.size() == 2);
}

TEST_CASE("a cell per line: blank and NBSP lines are blank cells, text around the table stays paragraphs") {
  const std::string text = lines({"某局2020年政府信息公开工作年度报告", "一、总体情况", "我局认真落实条例。"}) +
                           kAppealsHeader +
                           lines({"1", "", "1", "\u00a0", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "",
                                  "五、存在的主要问题及改进情况", "工作人员业务水平有待提高。"});
  sdk::RawDocument doc;
  const auto &rows = one_table(text, doc);
  const sdk::Row &data = rows.back();
  CHECK(texts(data) ==
        std::vector<std::string>{"1", "", "1", "", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"});
  CHECK(data.cells[1].lines.first == 30);
  CHECK(rows.front().cells.front().header);
  const auto &b = doc.blocks();
  CHECK(b[0].kind == Kind::paragraph);
  CHECK(b[1].kind == Kind::heading);
  CHECK(b[2].text == "我局认真落实条例。");
  CHECK(b[3].kind == Kind::heading);  // the table's title
  CHECK(b[4].kind == Kind::table);
  CHECK(b[5].text == "五、存在的主要问题及改进情况");
  CHECK(b[6].text == "工作人员业务水平有待提高。");
  CHECK(doc.diagnostics().empty());
}

TEST_CASE("the unlabelled row's first cells may be blank: they are counted from the header's end") {
  const std::string text = kAppealsHeader + lines({"", "", "1", "0", "1", "", "", "", "", "", "", "", "", "", "", "",
                                                   "五、存在的主要问题及改进情况"});
  sdk::RawDocument doc;
  CHECK(texts(one_table(text, doc).back()) ==
        std::vector<std::string>{"", "", "1", "0", "1", "", "", "", "", "", "", "", "", "", ""});
}

TEST_CASE("a label printed over several lines is joined, and group labels stay in the first row of their group") {
  const std::string text = kRequestsHeaderTop + lines({"商业",
                                                       "企业",
                                                       "科研机构",
                                                       "社会公益组织",
                                                       "法律服务机构",
                                                       "其他",
                                                       "",
                                                       "三、本年度办理结果",
                                                       "（一）予以公开",
                                                       "3",
                                                       "",
                                                       "",
                                                       "",
                                                       "",
                                                       "2",
                                                       "5",
                                                       "",
                                                       "（三）不予公开",
                                                       "1.属于国家秘密",
                                                       "",
                                                       "",
                                                       "",
                                                       "",
                                                       "",
                                                       "",
                                                       "0",
                                                       "",
                                                       "",
                                                       "2.其他法律",
                                                       "行政法规禁止公开",
                                                       "1",
                                                       "",
                                                       "",
                                                       "",
                                                       "",
                                                       "",
                                                       "1"});
  sdk::RawDocument doc;
  const auto &rows = one_table(text, doc);
  REQUIRE(rows.size() == 5);
  CHECK(texts(rows[0]) == std::vector<std::string>{"申请人情况", "自然人", "法人或其他组织", "总计"});
  CHECK(texts(rows[1]) == std::vector<std::string>{"商业\n企业", "科研机构", "社会公益组织", "法律服务机构", "其他"});
  CHECK(texts(rows[2]) ==
        std::vector<std::string>{"三、本年度办理结果", "（一）予以公开", "3", "", "", "", "", "2", "5"});
  CHECK(texts(rows[3]) == std::vector<std::string>{"（三）不予公开", "1.属于国家秘密", "", "", "", "", "", "", "0"});
  CHECK(texts(rows[4]) == std::vector<std::string>{"2.其他法律\n行政法规禁止公开", "1", "", "", "", "", "", "1"});
}

TEST_CASE("the longest labels are found, on one line and printed over four") {
  // "2.申请人逾期未按…" holds the most Han characters of any label: no label
  // is ruled out as too long for a key.
  const std::string text =
      kRequestsHeaderTop + lines({"商业企业",
                                  "科研机构",
                                  "社会公益组织",
                                  "法律服务机构",
                                  "其他",
                                  "",
                                  "三、本年度办理结果",
                                  "（六）其他处理",
                                  "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                                  "1",
                                  "0",
                                  "0",
                                  "0",
                                  "0",
                                  "0",
                                  "1",
                                  "2.申请人逾期未按收费通知要求",
                                  "缴纳费用、行政机关",
                                  "不再处理其政府信息",
                                  "公开申请",
                                  "2",
                                  "0",
                                  "0",
                                  "0",
                                  "0",
                                  "0",
                                  "2"});
  sdk::RawDocument doc;
  const auto &rows = one_table(text, doc);
  REQUIRE(rows.size() == 4);
  CHECK(texts(rows[2]) == std::vector<std::string>{"三、本年度办理结果", "（六）其他处理",
                                                   "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                                                   "1", "0", "0", "0", "0", "0", "1"});
  CHECK(texts(rows[3]) ==
        std::vector<std::string>{"2.申请人逾期未按收费通知要求\n缴纳费用、行政机关\n不再处理其政府信息\n公开申请", "2",
                                 "0", "0", "0", "0", "0", "2"});
  CHECK(doc.diagnostics().empty());
}

TEST_CASE("a table after thousands of other lines reads as it does alone") {
  // (the keys the reader remembers from report to report are bounded)
  const std::string table = kAppealsHeader + lines({"1", "", "1", "2", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0",
                                                    "0", "", "五、存在的主要问题及改进情况"});
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "说明" + std::to_string(i) + "\n";
  sdk::RawDocument alone, after;
  cell_per_line::read(table, hints(), alone);
  cell_per_line::read(text + table, hints(), after);
  const auto a = tables(alone), b = tables(after);
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  REQUIRE(a[0]->rows.size() == b[0]->rows.size());
  for (size_t r = 0; r < a[0]->rows.size(); ++r) CHECK(texts(a[0]->rows[r]) == texts(b[0]->rows[r]));
  CHECK(texts(b[0]->rows.back()) ==
        std::vector<std::string>{"1", "", "1", "2", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"});
}

TEST_CASE("a row whose cells a label interrupts is reported, never guessed") {
  // 二、 has four of its seven cells: where the blanks were is lost.
  const std::string text = lines({"三、收到和处理政府信息公开申请情况",
                                  "自然人",
                                  "总计",
                                  "一、本年新收政府信息公开申请数量",
                                  "1",
                                  "",
                                  "",
                                  "",
                                  "",
                                  "",
                                  "1",
                                  "二、上年结转政府信息公开申请数量",
                                  "2",
                                  "",
                                  "",
                                  "2",
                                  "三、本年度办理结果",
                                  "（一）予以公开",
                                  "3",
                                  "",
                                  "",
                                  "",
                                  "",
                                  "",
                                  "3"});
  sdk::RawDocument doc;
  const auto &rows = one_table(text, doc);
  REQUIRE(rows.size() == 4);
  CHECK(texts(rows[2]) == std::vector<std::string>{"二、上年结转政府信息公开申请数量"});
  REQUIRE(doc.diagnostics().size() == 1);
  CHECK(doc.diagnostics()[0].code == "unplaced-cells");
  CHECK(doc.diagnostics()[0].severity == sdk::Severity::error);
  CHECK(doc.diagnostics()[0].line == 17);
  CHECK(texts(rows[3]).size() == 9);
}

TEST_CASE("probe: LibreOffice's cell per line, not Tika's TAB-led cells or aligned columns") {
  std::string lo, tika, aligned;
  for (int i = 0; i < 10; ++i) {
    lo += lines({"规章", "0", "", "5", "行政许可", "1", "2", "3"});
    tika += lines({"\t规章", "\t0", "\t5", "", "\t行政许可", "\t1", "\t2", "\t3", ""});
    aligned += lines({"规章        0     5", "1", "2", "3"});
  }
  CHECK(cell_per_line::probe(lo) >= 0.25);
  CHECK(cell_per_line::probe(tika) == 0.0);
  CHECK(cell_per_line::probe(aligned) == 0.0);
  CHECK(cell_per_line::probe("规章\n0\n") == 0.0);
}

TEST_CASE("probe: a short line is one of 40 columns or less, however many bytes its zero-width marks take") {
  // 20 lone numbers, 16 lines of 50 columns and 4 more lines: the form needs
  // 60% short lines (24 of 40), so the 4 decide.
  std::string han20, marks;
  for (int i = 0; i < 20; ++i) han20 += "规";
  for (int i = 0; i < 100; ++i) marks += "\u0301";  // COMBINING ACUTE ACCENT: 0 columns, 2 bytes
  const auto text = [&](const std::string &line) {
    std::string t;
    for (int i = 0; i < 20; ++i) t += std::to_string(i) + "\n";
    for (int i = 0; i < 16; ++i) t += han20 + "规规规规规\n";
    for (int i = 0; i < 4; ++i) t += line + "\n";
    return t;
  };
  CHECK(cell_per_line::probe(text(han20)) == 0.6);
  CHECK(cell_per_line::probe(text(han20 + "规")) == 0.0);
  CHECK(cell_per_line::probe(text(han20 + marks)) == 0.6);         // 40 columns in 260 bytes
  CHECK(cell_per_line::probe(text(marks + han20 + "规")) == 0.0);  // the 41st column far into the line
  CHECK(cell_per_line::probe(text(marks + "规")) == 0.6);          // 2 columns in 203 bytes
}

TEST_CASE("without hints the reader refuses with the reason") {
  sdk::RawDocument doc;
  CHECK_THROWS_WITH(cell_per_line::read("规章\n0\n", sdk::ShapeHints{}, doc), Catch::Contains("shape hints"));
}
