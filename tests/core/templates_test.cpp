#include <algorithm>
#include <catch2/catch.hpp>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "model/model.hpp"
#include "templates/labels.hpp"
#include "templates/mapper.hpp"
#include "templates/template.hpp"
#include "templates/values.hpp"

using namespace docpipe::templates;
namespace sdk = docpipe::sdk;

namespace {

const std::vector<Template> &all_templates() {
  static const auto t = load_templates(std::filesystem::path(DOCPIPE_SOURCE_DIR) / "formats/templates");
  return t;
}
const Template &tmpl(const std::string &id) {
  for (const auto &t : all_templates())
    if (t.id == id) return t;
  throw std::runtime_error("no template " + id);
}

// The body of a document holding one raw table: each row a list of cell
// texts, one line each, as the core reads it from the plugin's XML.
sdk::RawDocument body_of(const std::vector<std::vector<std::string>> &rows) {
  sdk::RawDocument doc;
  auto &t = doc.add_table({1, static_cast<int>(rows.size())});
  int line = 1;
  for (const auto &r : rows) {
    auto &row = t.add_row({line, line});
    for (const auto &c : r) row.add_cell(c, {line, line});
    ++line;
  }
  return sdk::model::read_body_xml(doc.to_xml());
}

Mapping map_rows(const std::vector<std::vector<std::string>> &rows) { return map_body(body_of(rows), all_templates()); }

// The report's verdict for rows mapped as map_rows maps them.
docpipe::engine::Verdict verdict_of(const std::vector<std::vector<std::string>> &rows) {
  const sdk::RawDocument body = body_of(rows);
  const Mapping m = map_body(body, all_templates());
  return docpipe::engine::judge(body, m, run_checks(m));
}

bool has_reason(const docpipe::engine::Verdict &v, const std::string &code) {
  for (const auto &[c, text] : v.reasons)
    if (c == code) return true;
  return false;
}

const Record *find(const Mapping &m, const std::string &row, const std::string &column) {
  for (const auto &r : m.records) {
    const auto &sec = m.tables[r.cell.table]->sections[r.cell.section];
    if (sec.rows[r.cell.row].path == row && sec.columns[r.cell.column].path == column) return &r;
  }
  return nullptr;
}

std::vector<std::string> row(std::vector<std::string> labels, std::vector<std::string> values) {
  labels.insert(labels.end(), values.begin(), values.end());
  return labels;
}

const std::vector<std::string> kHeader = {"自然人",       "商业企业", "科研机构", "社会公益组织",
                                          "法律服务机构", "其他",     "总计"};

}  // namespace

TEST_CASE("label keys fold brackets, enumerators, quotes, spaces and punctuation") {
  CHECK(label_key("（三）不予公开") == "不予公开");
  CHECK(label_key("(三) 不予公开") == "不予公开");
  CHECK(label_key("1.属于国家秘密") == "属于国家秘密");
  CHECK(label_key("1、属于国家秘密") == "属于国家秘密");
  CHECK(label_key("1. 属于国 家秘密") == "属于国家秘密");
  CHECK(label_key("（三）不予公开 1. 属于国 家秘密") == "不予公开属于国家秘密");
  CHECK(label_key("3.危及\"三安全一稳定\"") == label_key("3.危及“三安全一稳定”"));
  CHECK(label_key("三、本年度办理结果") == "本年度办理结果");
  CHECK(label_key("本年新\n制作数量") == "本年新制作数量");
  CHECK(label_key("本年增/减") == "本年增减");
  // Not enumerators: numbers inside a label, and section numbers after 第.
  CHECK(label_key("第二十条第（一）项") != label_key("第二十条第（五）项"));
  CHECK(label_key("2020年本行政区域") == "2020年本行政区域");
  // enumerators spaced out by PDF extraction
  CHECK(label_key("( 三 ) 不予公开") == "不予公开");
  CHECK(label_key("1 . 属于国家秘密") == "属于国家秘密");
  CHECK(label_key("三 、本年度办理结果") == "本年度办理结果");
}

TEST_CASE("cell values keep their raw text, blanks are never 0") {
  CHECK(parse_cell("").state == CellState::blank);
  CHECK(parse_cell("\u00a0\u3000  ").state == CellState::blank);
  auto n = parse_cell(" 1,234 ");
  CHECK(n.state == CellState::number);
  CHECK(n.raw == "1,234");
  CHECK(n.number == "1234");
  CHECK(parse_cell("+5").number == "5");
  CHECK(parse_cell("-8").number == "-8");
  CHECK(parse_cell("１２").number == "12");
  CHECK(parse_cell("１２").raw == "１２");
  auto yuan = parse_cell("251000元");
  CHECK(yuan.number == "251000");
  CHECK(yuan.unit == "元");
  CHECK(parse_cell("0.35万元").unit == "万元");
  for (const char *p : {"-", "—", "/", "不适用", "无"}) CHECK(parse_cell(p).state == CellState::placeholder);
  CHECK(parse_cell("见附件").state == CellState::text);
  CHECK(parse_cell("12,34").state == CellState::text);  // not a thousands grouping
  CHECK(parse_cell("1.2.3").state == CellState::text);
}

TEST_CASE("the templates hold the official cell counts, labels and identities") {
  const auto &t19 = tmpl("ogi-2019");
  const auto &t21 = tmpl("ogi-2021");
  CHECK(t19.cell_count() == 198);
  CHECK(t21.cell_count() == 200);
  REQUIRE(t19.tables.size() == 3);
  CHECK(t19.tables[0].name == "主动公开政府信息情况");
  CHECK(t19.tables[1].name == "收到和处理政府信息公开申请情况");
  CHECK(t19.tables[2].name == "政府信息公开行政复议、行政诉讼情况");
  const auto &req = t19.tables[1].sections[0];
  CHECK(req.rows.size() == 23);
  CHECK(t21.tables[1].sections[0].rows.size() == 25);
  CHECK(req.rows[6].path == "三、本年度办理结果/（三）不予公开/3.危及“三安全一稳定”");
  CHECK(req.columns[1].path == "法人或其他组织/商业企业");
  CHECK(t19.tables[0].sections[1].columns[1].path == "本年增/减");
  CHECK(t19.tables[2].sections[0].columns[5].path == "行政诉讼/未经复议直接起诉/结果维持");
  CHECK(t19.tables[2].sections[0].rows[0].path.empty());
  size_t items19 = 0, items21 = 0;
  for (const auto &r : req.rows) items19 += r.role == "item";
  for (const auto &r : t21.tables[1].sections[0].rows) items21 += r.role == "item";
  CHECK(items19 == 19);
  CHECK(items21 == 21);
  std::set<std::string> ids;
  for (const auto &tab : t19.tables)
    for (const auto &i : tab.identities) ids.insert(i.id);
  CHECK(ids == std::set<std::string>{"balance", "items_sum", "row_total", "review_total", "direct_suit_total",
                                     "post_review_suit_total"});
  // Header rows are recognised by column labels and the column groups' labels;
  // "本年增/减" is one label, not a group "本年增".
  auto has = [](const Table &t, const std::string &label) {
    const auto &k = t.all_header_keys;
    return std::find(k.begin(), k.end(), label_key(label)) != k.end();
  };
  CHECK(has(t19.tables[1], "法人或其他组织"));
  CHECK(has(t19.tables[1], "申请人情况"));
  CHECK(has(t19.tables[2], "未经复议直接起诉"));
  CHECK(has(t19.tables[0], "本年增/减"));
  CHECK_FALSE(has(t19.tables[0], "本年增"));
}

TEST_CASE("every template label path is a canonical spelling of labels.md") {
  std::ifstream in(std::filesystem::path(DOCPIPE_SOURCE_DIR) / "../shared/corpus/labels.md");
  if (!in) {
    WARN("shared/corpus/labels.md not found; skipped");
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string md = ss.str();
  std::set<std::string> quoted;
  const std::regex q("`([^`]*)`");
  for (std::sregex_iterator it(md.begin(), md.end(), q), end; it != end; ++it) quoted.insert((*it)[1].str());
  for (const auto &t : all_templates())
    for (const auto &tab : t.tables) {
      CHECK(quoted.count(tab.name));
      for (const auto &s : tab.sections) {
        for (const auto &r : s.rows)
          if (!r.path.empty()) CHECK(quoted.count(r.path));
        for (const auto &c : s.columns) CHECK(quoted.count(c.path));
      }
    }
}

TEST_CASE("rows map by label whatever the spelling, values by the template's alignment") {
  std::vector<std::vector<std::string>> rows = {
      {"第二十条第（一）项"},
      {"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总量"},
      {"规章", "3", "2", "10"},
      {"规范性文件", "", "", ""},
      {"第二十条第（八）项"},
      {"信息内容", "上一年项目数量", "本年增/减", ""},
      {"行政事业性收费", "4", "-1", ""},  // start-aligned: the surplus blank cell is ignored
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      row({"一、本年新收政府信息公开申请数量", ""}, {"5", "", "", "", "", "", "5"}),  // padded label column
      row({"三、本年度办理结果", "(一) 予以公开"}, {"4", "", "", "", "", "", "4"}),
      row({"", "（三）不予公开", "3、危及\"三安全一稳定\""}, {"1", "", "", "", "", "", "1"}),
      row({"(四) 无法提供 1. 本机关不掌握相关政府信息"}, {"", "", "", "", "", "", "0"}),
      row({"", "（二）部分公开"}, {"", "", "", "", "", "", "2"}),  // the short spelling, a <variant>
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(m.tmpl->id == "ogi-2019");
  const Record *r = find(m, "第二十条第（一）项/规章", "对外公开总数量");
  REQUIRE(r);
  CHECK(r->value.raw == "10");
  CHECK(find(m, "第二十条第（一）项/规范性文件", "本年新制作数量")->value.state == CellState::blank);
  CHECK(find(m, "第二十条第（八）项/行政事业性收费", "本年增/减")->value.raw == "-1");
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "自然人")->value.raw == "5");
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "总计")->value.raw == "5");
  CHECK(find(m, "三、本年度办理结果/（一）予以公开", "总计")->value.raw == "4");
  CHECK(find(m, "三、本年度办理结果/（三）不予公开/3.危及“三安全一稳定”", "自然人")->value.raw == "1");
  const Record *t = find(m, "三、本年度办理结果/（四）无法提供/1.本机关不掌握相关政府信息", "总计");
  REQUIRE(t);
  CHECK(t->value.raw == "0");
  CHECK(t->placement == Placement::direct);
  CHECK(find(m, "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "总计")->value.raw ==
        "2");
  // Rows that are not in the source are absent: blank, never 0.
  const Record *absent = find(m, "二、上年结转政府信息公开申请数量", "总计");
  REQUIRE(absent);
  CHECK(absent->placement == Placement::absent);
  CHECK(absent->value.state == CellState::blank);
  CHECK_FALSE(m.table_seen[2]);  // the 行政复议 table is missing
  CHECK(m.unmapped.empty());
}

TEST_CASE("a 2021 report with label variants maps under ogi-2021") {
  std::vector<std::vector<std::string>> rows = {
      {"第二十条第(一)项"},
      {"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
      {"规章", "1", "0", "7"},
      {"行政规范性文件", "2", "1", "9"},
      {"第二十条第(五)项"},
      {"信息内容", "本年处理决定数量"},
      {"行政许可", "120", "", ""},
      {"第二十条第(八)项"},
      {"信息内容", "本年收费金额(单位:万元)"},
      {"行政事业性收费", "0.35"},
      kHeader,
      row({"三、本年度办理结果", "(六)其他处理", "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
          {"1", "", "", "", "", "", "1"}),
      row({"", "", "3、其他"}, {"", "", "", "", "", "2", "2"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(m.tmpl->id == "ogi-2021");
  CHECK(find(m, "第二十条第（一）项/行政规范性文件", "现行有效件数")->value.raw == "9");
  CHECK(find(m, "第二十条第（五）项/行政许可", "本年处理决定数量")->value.raw == "120");
  CHECK(find(m, "第二十条第（八）项/行政事业性收费", "本年收费金额（单位：万元）")->value.raw == "0.35");
  CHECK(find(m, "三、本年度办理结果/（六）其他处理/3.其他", "法人或其他组织/其他")->value.raw == "2");
  CHECK(find(m, "三、本年度办理结果/（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
             "自然人")
            ->value.raw == "1");
  CHECK(find(m, "第二十条第（一）项/规范性文件", "本年新制作数量") == nullptr);  // a 2019 label
}

TEST_CASE("values that fit no template cell are kept and reported") {
  std::vector<std::vector<std::string>> rows = {
      kHeader,
      row({"一、本年新收政府信息公开申请数量"}, {"5", "", "", "", "", "", "5"}),
      row({"二、上年结转政府信息公开申请数量", "9"}, {"", "", "", "", "", "", ""}),  // "9" in a label column
      row({"（八）本地自设事项"}, {"1", "", "", "", "", "", "1"}),
      row({"一、本年新收政府信息公开申请数量"}, {"6", "", "", "", "", "", "6"}),  // the row again
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  REQUIRE(m.unmapped.size() == 3);
  CHECK(m.unmapped[0].text == "9");
  CHECK(m.unmapped[1].reason.find("not in template") != std::string::npos);
  CHECK(m.unmapped[2].reason.find("appears again") != std::string::npos);
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "总计")->value.raw == "5");  // the first one is kept
}

TEST_CASE("identities: fail, hold with blanks, pass") {
  std::vector<std::vector<std::string>> rows = {
      kHeader,
      row({"一、本年新收政府信息公开申请数量"}, {"3", "1", "", "", "", "", "4"}),
      row({"二、上年结转政府信息公开申请数量"}, {"0", "0", "0", "0", "0", "0", "0"}),
      row({"（一）予以公开"}, {"2", "1", "0", "0", "0", "0", "3"}),
      row({"（七）总计"}, {"2", "1", "0", "0", "0", "0", "3"}),
      row({"四、结转下年度继续办理"}, {"0", "0", "0", "0", "0", "0", "0"}),
      {"行政复议", "行政诉讼"},
      {"0", "0", "0", "0", "0", "1", "0", "0", "0", "2", "", "", "", "", ""},
  };
  const Mapping m = map_rows(rows);
  const auto checks = run_checks(m);
  auto result = [&](const std::string &id, const std::string &row, const std::string &col) {
    for (const auto &c : checks)
      if (c.identity->id == id && c.row == row && c.column == col) return c;
    FAIL("no check " << id << " " << row << " " << col);
    return Check{};
  };
  // 一 + 二 = 4 but （七）+ 四 = 3 in 总计 and 1 + 0 vs 1 + 0 in 商业企业
  const Check bal = result("balance", "", "总计");
  CHECK(bal.result == CheckResult::fail);
  CHECK(bal.expected == 4);
  CHECK(bal.actual == 3);
  CHECK(result("balance", "", "法人或其他组织/商业企业").result == CheckResult::pass);
  // row 一: 3 + 1 + blanks = 4: holds only with blanks counted as 0
  CHECK(result("row_total", "一、本年新收政府信息公开申请数量", "").result == CheckResult::blank_pass);
  CHECK(result("row_total", "二、上年结转政府信息公开申请数量", "").result == CheckResult::pass);
  const Check direct = result("direct_suit_total", "", "行政诉讼/未经复议直接起诉/总计");
  CHECK(direct.result == CheckResult::fail);
  CHECK(direct.expected == 1);
  CHECK(direct.actual == 2);
  CHECK(result("post_review_suit_total", "", "行政诉讼/复议后起诉/总计").result == CheckResult::blank_pass);
}

TEST_CASE("a document without the report tables has no template") {
  const Mapping m = map_rows({{"姓名", "年龄"}, {"张三", "30"}});
  CHECK(m.tmpl == nullptr);
  CHECK(m.records.empty());
}

TEST_CASE("a row under the wrong group label is placed by its own label, flagged") {
  // After a page break an input plugin may give a row the next group's label
  // ("（四）无法提供" in front of the （三）不予公开 row 4.保护第三方合法权益).
  std::vector<std::vector<std::string>> rows = {
      kHeader, row({"一、本年新收政府信息公开申请数量"}, {"5", "", "", "", "", "", "5"}),
      row({"三、本年度办理结果", "（四）无法提供", "4.保护第三方合法权益"}, {"2", "", "", "", "", "", "2"}),
      row({"三、本年度办理结果", "（四）无法提供", "其他"}, {"7", "", "", "", "", "", "7"}),  // too short alone
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  const Record *r = find(m, "三、本年度办理结果/（三）不予公开/4.保护第三方合法权益", "总计");
  REQUIRE(r != nullptr);
  CHECK(r->value.raw == "2");
  bool flagged = false;
  for (const auto &f : m.findings) flagged = flagged || (f.code == "group-mismatch" && f.line == 3);
  CHECK(flagged);
  // A label too short to name one row by itself is not placed anywhere.
  for (const auto &rec : m.records) CHECK(rec.value.raw != "7");
}

TEST_CASE("a header that lists columns in another order places the values by the header, flagged") {
  std::vector<std::vector<std::string>> rows = {
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      {"自然人", "法人或其他组织", "总计"},
      {"法律服务机构", "科研机构", "社会公益组织", "商业企业", "其他"},  // 商业企业 and 法律服务机构 swapped
      row({"一、本年新收政府信息公开申请数量"}, {"5", "1", "", "2", "3", "", "11"}),
      row({"二、上年结转政府信息公开申请数量"}, {"", "", "", "", "4", "", "4"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "自然人")->value.raw == "5");
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "法人或其他组织/法律服务机构")->value.raw == "1");
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "法人或其他组织/科研机构")->value.state == CellState::blank);
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "法人或其他组织/社会公益组织")->value.raw == "2");
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "法人或其他组织/商业企业")->value.raw == "3");
  CHECK(find(m, "一、本年新收政府信息公开申请数量", "总计")->value.raw == "11");
  CHECK(find(m, "二、上年结转政府信息公开申请数量", "法人或其他组织/商业企业")->value.raw == "4");
  bool flagged = false;
  for (const auto &f : m.findings) flagged = flagged || f.code == "column-order";
  CHECK(flagged);
  CHECK(has_reason(verdict_of(rows), "input-doubts"));
}

TEST_CASE("a header in the template's order, or naming shared labels, keeps the template's order") {
  // 行政复议 and both 行政诉讼 groups share 维持 … 总计: no order can be read off them.
  std::vector<std::vector<std::string>> rows = {
      {"行政复议", "行政诉讼"},
      {"未经复议直接起诉", "复议后起诉"},
      {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
       "总计", "尚未审结", "其他结果", "结果纠正", "结果维持"},
      {"1", "2", "3", "4", "10", "", "", "", "", "", "5", "6", "7", "8", "26"},
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  for (const auto &f : m.findings) CHECK(f.code != "column-order");
  CHECK(find(m, "", "行政复议/结果维持")->value.raw == "1");
  CHECK(find(m, "", "行政诉讼/复议后起诉/结果维持")->value.raw == "5");  // by position, as the template has it
}

TEST_CASE("a row label cut short is placed by its start when that names one template row, flagged") {
  std::vector<std::vector<std::string>> rows = {
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      // pdftotext moved 后申请内容仍不明确 away from its row; 其他情形） went to the next page.
      row({"三、本年度办理结果", "（四）无法提供", "3.补正"}, {"37", "8", "0", "0", "3", "2", "50"}),
      row({"（二）部分公开（区分处理的，只计这一情形，不计"}, {"86", "22", "3", "0", "6", "5", "122"}),
      // 1.属于 starts five rows of （三）不予公开: not placed, kept as unmapped.
      row({"（三）不予公开", "1.属于"}, {"5", "", "", "", "", "", "5"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  const Record *r = find(m, "三、本年度办理结果/（四）无法提供/3.补正后申请内容仍不明确", "总计");
  REQUIRE(r);
  CHECK(r->value.raw == "50");
  CHECK(find(m, "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "自然人")->value.raw ==
        "86");
  CHECK(find(m, "三、本年度办理结果/（三）不予公开/1.属于国家秘密", "总计")->value.state == CellState::blank);
  int flagged = 0;
  for (const auto &f : m.findings) flagged += f.code == "label-start";
  CHECK(flagged == 2);
  REQUIRE(m.unmapped.size() == 1);
  CHECK(m.unmapped[0].text.find("1.属于") != std::string::npos);
  // A row placed by part of its label puts the report up for review.
  const auto v = verdict_of({rows[0], rows[1], rows[2]});
  CHECK_FALSE(v.ok());
  CHECK(has_reason(v, "input-doubts"));
}

TEST_CASE("each table maps onto the layout its labels show, the template is table 1's format") {
  std::vector<std::vector<std::string>> rows = {
      {"第二十条第（一）项"},
      {"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
      row({"规章"}, {"1", "0", "4"}),
      row({"行政规范性文件"}, {"3", "0", "8"}),
      {"第二十条第（五）项"},
      {"信息内容", "本年处理决定数量"},
      row({"行政许可"}, {"9487"}),
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      row({"三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"},
          {"0", "0", "0", "0", "0", "0", "0"}),
      // the 2019 result row: （六）其他处理 is one item, without 1./2./3.
      row({"（六）其他处理"}, {"2", "0", "0", "0", "0", "0", "2"}),
      row({"（七）总计"}, {"2", "0", "0", "0", "0", "0", "2"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(m.tmpl->id == "ogi-2021");
  CHECK(m.tables[0]->variant == "ogi-2021");
  CHECK(m.tables[1]->variant == "ogi-2019");
  CHECK(find(m, "第二十条第（一）项/规章", "现行有效件数")->value.raw == "4");
  CHECK(find(m, "三、本年度办理结果/（六）其他处理", "总计")->value.raw == "2");
  CHECK(m.unmapped.empty());
  // The same table 2 with the 2021 rows keeps the format's own layout.
  rows[10] = row({"（六）其他处理", "3.其他"}, {"2", "0", "0", "0", "0", "0", "2"});
  const Mapping own = map_rows(rows);
  CHECK(own.tables[1]->variant == "ogi-2021");
  CHECK(find(own, "三、本年度办理结果/（六）其他处理/3.其他", "总计")->value.raw == "2");
}

TEST_CASE("a header of another layout is never read as this one's columns") {
  // A report whose table 1 prints the 2019 header in its first section and
  // the 2021 one in the next: whichever format wins, every value lands
  // under a column its own header names, and the other section is a doubt.
  const std::vector<std::vector<std::string>> rows = {
      {"第二十条第（一）项"},
      {"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"},
      row({"规章"}, {"1", "0", "4"}),
      {"第二十条第（五）项"},
      {"信息内容", "本年处理决定数量"},
      row({"行政许可"}, {"9487"}),
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      row({"（一）予以公开"}, {"2", "0", "0", "0", "0", "0", "2"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  const std::set<std::string> printed = {"本年新制作数量", "本年新公开数量", "对外公开总数量", "本年处理决定数量"};
  for (const auto &r : m.records) {
    if (r.cell.table != 0 || r.value.state == CellState::blank) continue;
    const std::string &column = m.tables[0]->sections[r.cell.section].columns[r.cell.column].path;
    CHECK(printed.count(column) == 1);
  }
  bool flagged = false;
  for (const auto &f : m.findings) flagged |= f.code == "header-variant" && f.doubt;
  CHECK(flagged);
  CHECK_FALSE(verdict_of(rows).ok());
}

TEST_CASE("a long label with a slip maps to its one row (label-fuzzy), short or ambiguous ones never do") {
  const std::vector<std::vector<std::string>> rows = {
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      row({"三、本年度办理结果", "（三）不予公开", "2.其他法律行政止公开"}, {"5", "0", "0", "0", "0", "0", "5"}),
      // a wrong character in a short label: 2.重复申请
      row({"（五）不予处理", "2.重夏申请"}, {"1", "0", "0", "0", "0", "0", "1"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(find(m, "三、本年度办理结果/（三）不予公开/2.其他法律行政法规禁止公开", "自然人")->value.raw == "5");
  CHECK(find(m, "三、本年度办理结果/（五）不予处理/2.重复申请", "自然人")->placement == Placement::absent);
  CHECK(m.unmapped.size() == 1);
  int fuzzy = 0;
  for (const auto &f : m.findings)
    if (f.code == "label-fuzzy") {
      ++fuzzy;
      CHECK_FALSE(f.doubt);
      CHECK(f.message.find("2.其他法律行政止公开") != std::string::npos);
      CHECK(f.message.find("2.其他法律行政法规禁止公开") != std::string::npos);
    }
  CHECK(fuzzy == 1);
}

TEST_CASE("the verdict reads a diagnostic's doubt declaration, not its code") {
  auto verdict_with = [](bool doubt) {
    sdk::RawDocument doc;
    auto &t = doc.add_table({1, 2});
    auto &h = t.add_row({1, 1});
    for (const char *c : {"第二十条第（五）项"}) h.add_cell(c, {1, 1});
    doc.diagnose(sdk::Severity::warning, 1, "some-new-code", "a reader's own doubt", doubt);
    const sdk::RawDocument body = sdk::model::read_body_xml(doc.to_xml());
    const Mapping m = map_body(body, all_templates());
    return docpipe::engine::judge(body, m, run_checks(m));
  };
  CHECK(has_reason(verdict_with(true), "input-doubts"));
  CHECK_FALSE(has_reason(verdict_with(false), "input-doubts"));
}

TEST_CASE("a table given again needs a variant of its own") {
  const auto dir = std::filesystem::temp_directory_path() / "docpipe-variant-test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "t.xml";
  const std::string table =
      R"(<table id="a" name="A" values="end"><column id="c" label="甲"/><row id="r" label="乙"/></table>)";
  std::ofstream(file) << "<template id=\"t\" title=\"T\">" << table << table << "</template>";
  CHECK_THROWS_WITH(load_template(file), Catch::Contains("needs a variant attribute"));
  std::ofstream(file)
      << "<template id=\"t\" title=\"T\">" << table
      << R"(<table id="a" name="A" values="end" variant="old"><column id="c" label="丙"/><row id="r" label="乙"/></table>)"
      << "</template>";
  const Template t = load_template(file);
  REQUIRE(t.variants.size() == 1);
  REQUIRE(t.variants[0].size() == 1);
  CHECK(t.variants[0][0].variant == "old");
  CHECK(t.tables[0].foreign_header_keys == std::vector<std::string>{label_key("丙")});
  std::filesystem::remove_all(dir);
}

TEST_CASE("a row whose cells span other columns than the header's is placed by its spans") {
  // 上海 2019: the (八) row as two cells of two columns each under a grid of
  // three value columns plus one.
  sdk::RawDocument doc;
  auto &t = doc.add_table({1, 6});
  int line = 1;
  auto add = [&](std::vector<std::pair<std::string, int>> cells) {
    auto &r = t.add_row({line, line});
    for (const auto &[text, span] : cells) r.add_cell(text, {line, line}).colspan = span;
    ++line;
  };
  add({{"第二十条第（五）项", 1}});
  add({{"信息内容", 1}, {"上一年项目数量", 1}, {"本年增/减", 1}, {"处理决定数量", 1}});
  add({{"行政许可", 1}, {"12", 1}, {"+3", 1}, {"40", 1}});
  add({{"第二十条第（八）项", 1}});
  add({{"信息内容", 1}, {"上一年项目数量", 1}, {"本年增/减", 1}});
  add({{"行政事业性收费", 1}, {"5", 2}, {"-1", 2}});
  const Mapping m = map_body(sdk::model::read_body_xml(doc.to_xml()), all_templates());
  REQUIRE(m.tmpl != nullptr);
  const Record *last = find(m, "第二十条第（八）项/行政事业性收费", "上一年项目数量");
  const Record *change = find(m, "第二十条第（八）项/行政事业性收费", "本年增/减");
  REQUIRE(last);
  REQUIRE(change);
  CHECK(last->value.raw == "5");
  CHECK(change->value.raw == "-1");
  CHECK(change->placement == Placement::direct);
  CHECK(m.unmapped.empty());
}

TEST_CASE("a cell that is not a number keeps its text and state, its neighbours land as usual") {
  const std::vector<std::vector<std::string>> rows = {
      {"第二十条第（一）项"},
      {"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"},
      row({"规章"}, {"×", "0", "5"}),
      row({"规范性文件"}, {"=2+2", "3", "7"}),
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      row({"（一）予以公开"}, {"1", "/", "0", "0", "0", "核对中", "1"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(m.unmapped.empty());
  const Record *x = find(m, "第二十条第（一）项/规章", "本年新制作数量");
  REQUIRE(x);
  CHECK(x->value.state == CellState::placeholder);
  CHECK(find(m, "第二十条第（一）项/规章", "对外公开总数量")->value.raw == "5");
  const Record *formula = find(m, "第二十条第（一）项/规范性文件", "本年新制作数量");
  REQUIRE(formula);
  CHECK(formula->value.state == CellState::text);
  CHECK(formula->value.raw == "=2+2");
  CHECK(find(m, "第二十条第（一）项/规范性文件", "本年新公开数量")->value.raw == "3");
  CHECK(find(m, "第二十条第（一）项/规范性文件", "对外公开总数量")->value.raw == "7");
  CHECK(find(m, "三、本年度办理结果/（一）予以公开", "法人或其他组织/其他")->value.raw == "核对中");
  CHECK(find(m, "三、本年度办理结果/（一）予以公开", "总计")->value.raw == "1");
  int flagged = 0;
  for (const auto &f : m.findings) flagged += f.code == "text-in-value" && f.doubt;
  CHECK(flagged == 2);
  CHECK_FALSE(verdict_of(rows).ok());
}

namespace {
// A requests table alone (tables 2 and 3 read the same in both formats):
// the labels cannot tell 2019 from 2021.
std::vector<std::vector<std::string>> same_in_both_formats() {
  return {
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      row({"一、本年新收政府信息公开申请数量"}, {"2", "0", "0", "0", "0", "0", "2"}),
      row({"（一）予以公开"}, {"2", "0", "0", "0", "0", "0", "2"}),
      row({"（七）总计"}, {"2", "0", "0", "0", "0", "0", "2"}),
  };
}
}  // namespace

TEST_CASE("the report's year decides between templates whose labels match equally well") {
  const auto rows = same_in_both_formats();
  const sdk::RawDocument body = body_of(rows);
  CHECK(map_body(body, all_templates(), 2020).tmpl->id == "ogi-2019");
  CHECK(map_body(body, all_templates(), 2022).tmpl->id == "ogi-2021");
  CHECK(map_body(body, all_templates(), 0).tmpl->id == "ogi-2019");  // no year: the older format, as before
  // Structure wins over the year: a 2021 table 1 in a report for 2020 is
  // ogi-2021, and the conflict is reported.
  std::vector<std::vector<std::string>> with_t1 = {{"第二十条第（一）项"},
                                                   {"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
                                                   row({"规章"}, {"1", "0", "4"})};
  with_t1.insert(with_t1.end(), rows.begin(), rows.end());
  const Mapping m = map_body(body_of(with_t1), all_templates(), 2020);
  CHECK(m.tmpl->id == "ogi-2021");
  bool noted = false;
  for (const auto &f : m.findings) noted |= f.code == "format-year" && !f.doubt;
  CHECK(noted);
}

TEST_CASE("a row whose group label was cut over the rows' lines is under its own group, not in doubt") {
  const std::vector<std::vector<std::string>> rows = {
      {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
      kHeader,
      // （四）无法提供 printed down its three rows, cut by their lines
      row({"三、本年度办理结果", "（四）无", "1.本机关不掌握相关政府信息"}, {"31", "0", "0", "0", "0", "0", "31"}),
      row({"法提供", "2.没有现成信息需要另行制作"}, {"1", "0", "0", "0", "0", "0", "1"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  CHECK(find(m, "三、本年度办理结果/（四）无法提供/2.没有现成信息需要另行制作", "总计")->value.raw == "1");
  for (const auto &f : m.findings) CHECK(f.code != "group-mismatch");
  // Another group's label in front still is a mismatch, and a doubt.
  const Mapping other = map_rows(
      {rows[0], rows[1], row({"（五）不予处理", "2.没有现成信息需要另行制作"}, {"1", "0", "0", "0", "0", "0", "1"})});
  bool doubt = false;
  for (const auto &f : other.findings) doubt |= f.code == "group-mismatch" && f.doubt;
  CHECK(doubt);
}

namespace {

// A report whose 行政复议/行政诉讼 table shows its header rows and then ends,
// followed by `after` (a heading, a paragraph, or nothing): the template
// stage's mapping and the verdict.
struct HeaderOnly {
  Mapping m;
  docpipe::engine::Verdict v;
};
// How a reader left a trace of a row it lost.
enum class Trace { none, doubt_in_table, doubt_at_next_block, empty_row };
HeaderOnly header_only(const std::string &after_kind, const std::string &after_text, Trace trace = Trace::none) {
  sdk::RawDocument doc;
  int line = 1;
  auto table = [&](const std::vector<std::vector<std::string>> &rows) {
    auto &t = doc.add_table({line, line + static_cast<int>(rows.size()) - 1});
    for (const auto &r : rows) {
      auto &row = t.add_row({line, line});
      for (const auto &c : r) row.add_cell(c, {line, line});
      ++line;
    }
  };
  table({{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"},
         kHeader,
         row({"一、本年新收政府信息公开申请数量"}, {"1", "0", "0", "0", "0", "0", "1"}),
         row({"二、上年结转政府信息公开申请数量"}, {"0", "0", "0", "0", "0", "0", "0"})});
  const int appeals = line;
  table({{"行政复议", "行政诉讼"},
         {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"},
         {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结",
          "总计"}});
  if (trace == Trace::empty_row) {
    doc.blocks().back().table.add_row({line, line + 2});
    line += 3;
  }
  if (trace == Trace::doubt_in_table)
    doc.diagnose(sdk::Severity::warning, appeals + 1, "a-reader-code", "a line not read", true);
  if (trace == Trace::doubt_at_next_block)
    doc.diagnose(sdk::Severity::error, line, "a-reader-code", "14 of 15 cells before this line", false);
  if (after_kind == "heading") doc.add_heading(after_text, 1, {line, line});
  if (after_kind == "paragraph") doc.add_paragraph(after_text, {line, line});
  HeaderOnly out{map_body(doc, all_templates()), {}};
  out.v = docpipe::engine::judge(doc, out.m, run_checks(out.m));
  return out;
}

// The verdict names absent cells of the 行政复议/行政诉讼 table.
bool absent_in_appeals(const docpipe::engine::Verdict &v) {
  for (const auto &[c, text] : v.reasons)
    if (c == "absent-cells" && text.find("行政复议") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a table that shows its header and then ends has a blank data row, not a doubt") {
  for (const auto &[kind, text] : std::vector<std::pair<std::string, std::string>>{
           {"heading", "五、存在的主要问题及改进情况"}, {"paragraph", "2021年，我局将继续做好公开工作。"}, {"", ""}}) {
    INFO(kind);
    const HeaderOnly h = header_only(kind, text);
    const Record *r = find(h.m, "", "行政复议/结果维持");
    REQUIRE(r);
    CHECK(r->placement == Placement::header_only);
    CHECK(r->value.state == CellState::blank);  // blank, never 0
    CHECK(r->first_line == 7);                  // the table's last line
    CHECK_FALSE(absent_in_appeals(h.v));
    bool noted = false;
    for (const auto &f : h.m.findings) noted |= f.code == "header-only" && !f.doubt;
    CHECK(noted);
    // The rows of 收到和处理 the source does not show stay absent: a doubt.
    CHECK(find(h.m, "三、本年度办理结果/（一）予以公开", "总计")->placement == Placement::absent);
  }
}

TEST_CASE("a data row a reader may have lost keeps the doubt") {
  // A row of values left as a paragraph after the header.
  const HeaderOnly lost = header_only("paragraph", "0 0 0 0 0  0 0 0 0 0  0 0 0 0 0");
  CHECK(find(lost.m, "", "行政复议/结果维持")->placement == Placement::absent);
  CHECK(absent_in_appeals(lost.v));
  // The reader declared a doubt about a line of the table or where it
  // ended, or left a row it could not fill.
  for (const Trace trace : {Trace::doubt_in_table, Trace::doubt_at_next_block, Trace::empty_row}) {
    INFO(static_cast<int>(trace));
    const HeaderOnly doubted = header_only("heading", "五、存在的主要问题及改进情况", trace);
    CHECK(find(doubted.m, "", "行政复议/结果维持")->placement == Placement::absent);
    CHECK(absent_in_appeals(doubted.v));
  }
}

TEST_CASE("a header row cut by a page break stays in the table the rows are in") {
  // 结果维 / 持: the leaf labels cut, only 总计 whole, which 收到和处理 has too.
  const Mapping m =
      map_rows({{"行政复议", "行政诉讼"},
                {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"},
                {"结果维", "结果纠", "其他结", "尚未审", "总计", "结果维", "结果纠", "其他结", "尚未审", "总计",
                 "结果维", "结果纠", "其他结", "尚未审", "总计"},
                {"", "", "", "", "", "", "", "", "", "", "", "", "", "", ""}});
  const Record *r = find(m, "", "行政诉讼/复议后起诉/总计");
  REQUIRE(r);
  CHECK(r->placement == Placement::direct);
  CHECK(r->value.state == CellState::blank);
}

TEST_CASE("a short row takes the one placement under which the identities hold, as a doubt (tie-break)") {
  const std::vector<std::string> head = {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                                         "申请人情况"};
  // （二）部分公开 printed with two of its seven cells: 2 under 商业企业 and its
  // 总计 2; which columns is lost. The column sums of the result rows
  // (（七）总计) tell: only 商业企业 and 总计 make them hold.
  const std::vector<std::vector<std::string>> rows = {
      head,
      kHeader,
      row({"三、本年度办理结果", "（一）予以公开"}, {"1", "0", "0", "0", "0", "0", "1"}),
      row({"（二）部分公开"}, {"2", "2"}),
      row({"（七）总计"}, {"1", "2", "0", "0", "0", "0", "3"}),
  };
  const Mapping m = map_rows(rows);
  REQUIRE(m.tmpl != nullptr);
  const std::string partly = "三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）";
  const Record *business = find(m, partly, "法人或其他组织/商业企业");
  REQUIRE(business);
  CHECK(business->value.raw == "2");
  CHECK(business->placement == Placement::tie_break);
  CHECK(find(m, partly, "总计")->value.raw == "2");
  CHECK(find(m, partly, "自然人")->value.state == CellState::blank);  // blank, never 0
  bool named = false;
  for (const auto &f : m.findings)
    named |= f.code == "tie-break" && f.doubt && f.message.find("商业企业") != std::string::npos;
  CHECK(named);
  // The identities used to place are not checks any more: the report is reviewed.
  CHECK(has_reason(verdict_of(rows), "tie-break"));

  // Zeros fit any columns: no identity can place them, the alignment stays.
  const Mapping zeros = map_rows({head, kHeader, row({"三、本年度办理结果", "（一）予以公开"}, {"0", "0"})});
  const Record *z = find(zeros, "三、本年度办理结果/（一）予以公开", "总计");
  REQUIRE(z);
  CHECK(z->placement == Placement::aligned);
  for (const auto &f : zeros.findings) CHECK(f.code != "tie-break");
  CHECK(has_reason(verdict_of({head, kHeader, row({"三、本年度办理结果", "（一）予以公开"}, {"0", "0"})}),
                   "ambiguous-placement"));
}

namespace {

// Two mappings agree in everything the later stages read.
void check_same_mapping(const Mapping &a, const Mapping &b) {
  REQUIRE(a.tmpl != nullptr);
  REQUIRE(b.tmpl != nullptr);
  CHECK(a.tmpl->id == b.tmpl->id);
  CHECK(a.evidence == b.evidence);
  REQUIRE(a.tables.size() == b.tables.size());
  for (size_t ti = 0; ti < a.tables.size(); ++ti) CHECK(a.tables[ti]->variant == b.tables[ti]->variant);
  CHECK(a.table_seen == b.table_seen);
  REQUIRE(a.records.size() == b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    const Record &x = a.records[i], &y = b.records[i];
    CHECK((x.cell.table == y.cell.table && x.cell.section == y.cell.section && x.cell.row == y.cell.row &&
           x.cell.column == y.cell.column));
    CHECK(x.value.raw == y.value.raw);
    CHECK(x.value.state == y.value.state);
    CHECK(x.placement == y.placement);
    CHECK((x.first_line == y.first_line && x.last_line == y.last_line));
  }
  REQUIRE(a.unmapped.size() == b.unmapped.size());
  for (size_t i = 0; i < a.unmapped.size(); ++i) {
    CHECK(a.unmapped[i].text == b.unmapped[i].text);
    CHECK(a.unmapped[i].reason == b.unmapped[i].reason);
  }
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    CHECK(a.findings[i].code == b.findings[i].code);
    // (table-variant notes the year of the variant's format, when it is among the templates given)
    if (a.findings[i].code != "table-variant") CHECK(a.findings[i].message == b.findings[i].message);
  }
}

// A report that prints the tables as laid out: each section's label, a
// header row of the table's header labels and its columns' labels, and each
// row with its labels (below the section's) and a value in every column.
std::vector<std::vector<std::string>> printed_report(const std::vector<const Table *> &tables) {
  std::vector<std::vector<std::string>> rows;
  int value = 0;
  for (const Table *tab : tables)
    for (const Section &sec : tab->sections) {
      if (!sec.label.empty()) rows.push_back({sec.label});
      std::vector<std::string> header = tab->header_labels;
      for (const Column &c : sec.columns) header.push_back(c.labels.back());
      rows.push_back(header);
      for (const Row &r : sec.rows) {
        std::vector<std::string> cells;
        for (size_t i = sec.label.empty() ? 0 : 1; i < r.labels.size(); ++i)
          if (!r.labels[i].empty()) cells.push_back(r.labels[i]);
        for (size_t c = 0; c < sec.columns.size(); ++c) cells.push_back(std::to_string(++value % 7));
        rows.push_back(cells);
      }
    }
  return rows;
}

// One template of the loaded set alone (a copy: its layouts stay linked to the others').
const std::vector<Template> &only(const std::string &id) {
  static std::map<std::string, std::vector<Template>> copies;
  auto &one = copies[id];
  if (one.empty()) one.push_back(tmpl(id));
  return one;
}

}  // namespace

TEST_CASE("the runs map_body skips as unable to win leave the mapping the winning template gives alone") {
  // map_body skips a (template, layouts) run whose bound on the labels it
  // can match is below the best so far. The winner's runs are never skipped,
  // nor made differently, so the mapping by all templates is the mapping by
  // the winning template alone.
  const Template &t2019 = tmpl("ogi-2019"), &t2021 = tmpl("ogi-2021");
  SECTION("a 2019 report: the ogi-2021 runs cannot reach ogi-2019") {
    std::vector<const Table *> tables;
    for (const Table &tab : t2019.tables) tables.push_back(&tab);
    const sdk::RawDocument body = body_of(printed_report(tables));
    for (const int year : {2020, 2021, 0}) {
      const Mapping all = map_body(body, all_templates(), year);
      REQUIRE(all.tmpl != nullptr);
      CHECK(all.tmpl->id == "ogi-2019");
      CHECK(all.unmapped.empty());
      check_same_mapping(all, map_body(body, only("ogi-2019"), year));
    }
  }
  SECTION("a 2021 report, with its own requests table or the 2019 one") {
    for (const size_t requests : {size_t{0}, size_t{1}}) {
      std::vector<const Table *> tables;
      for (size_t ti = 0; ti < t2021.tables.size(); ++ti) tables.push_back(&t2021.layout(ti, ti == 1 ? requests : 0));
      const sdk::RawDocument body = body_of(printed_report(tables));
      for (const int year : {2021, 2020}) {
        const Mapping all = map_body(body, all_templates(), year);
        REQUIRE(all.tmpl != nullptr);
        CHECK(all.tmpl->id == "ogi-2021");
        CHECK(all.tables[1]->variant == (requests == 0 ? "ogi-2021" : "ogi-2019"));
        CHECK(all.unmapped.empty());
        check_same_mapping(all, map_body(body, only("ogi-2021"), year));
      }
    }
  }
  SECTION("a tie is decided by the year: a run whose bound equals the best is made") {
    const sdk::RawDocument body = body_of(same_in_both_formats());
    const Mapping old_format = map_body(body, all_templates(), 2020);
    const Mapping new_format = map_body(body, all_templates(), 2022);
    REQUIRE(old_format.tmpl != nullptr);
    REQUIRE(new_format.tmpl != nullptr);
    CHECK(old_format.tmpl->id == "ogi-2019");
    CHECK(new_format.tmpl->id == "ogi-2021");
    CHECK(old_format.evidence == new_format.evidence);
    check_same_mapping(old_format, map_body(body, only("ogi-2019"), 2020));
    check_same_mapping(new_format, map_body(body, only("ogi-2021"), 2022));
  }
}
