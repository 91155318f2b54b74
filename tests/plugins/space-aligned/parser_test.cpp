// One fixture per pattern of issue 5, named after the defect it guards.
#include <catch2/catch.hpp>
#include <layout.hpp>
#include <shapes.hpp>

#include "support.hpp"

using docpipe::space_aligned::detail::enumerator_depth;
using docpipe::space_aligned::detail::is_value_token;
using Strings = std::vector<std::string>;

namespace {

// The 7 applicant columns of 收到和处理 (the last 7 cells) of the row labelled `label`.
Strings applicants(const docpipe::sdk::RawDocument &doc, const char *label) {
  auto f = sa_test::find_row(doc, label);
  REQUIRE(f.has_value());
  return sa_test::last_cells(*f->row, 7);
}

Strings labels(const docpipe::sdk::RawDocument &doc, const char *label) {
  auto f = sa_test::find_row(doc, label);
  REQUIRE(f.has_value());
  return f->labels;
}

}  // namespace

TEST_CASE("value tokens: numbers and blank markers, not labels", "[space-aligned]") {
  for (auto v : {U"0", U"-2", U"+3", U"1,234", U"452.8339", U"１２", U"—", U"/", U"12.5万元", U"不适用"})
    CHECK(is_value_token(v));
  for (auto v : {U"1.属于国家秘密", U"年", U"2020年", U"（一）", U"-a"}) CHECK_FALSE(is_value_token(v));
}

TEST_CASE("enumerators and their depth", "[space-aligned]") {
  int n = 0;
  CHECK(enumerator_depth(U"三、本年度办理结果", &n) == 1);
  CHECK(n == 3);
  CHECK(enumerator_depth(U"（十二）其他", &n) == 2);
  CHECK(n == 12);
  CHECK(enumerator_depth(U"(一)予以公开") == 2);
  CHECK(enumerator_depth(U"5.要求行政机关确", &n) == 3);
  CHECK(n == 5);
  CHECK(enumerator_depth(U"1、 重复申请") == 3);
  CHECK(enumerator_depth(U"(1)xx") == 4);
  CHECK(enumerator_depth(U"12.5") == 0);
  CHECK(enumerator_depth(U"（本列数据的勾稽关系为") == 0);
  CHECK(enumerator_depth(U"稳定”") == 0);
}

// Issue 14, D7: a digit run longer than an int holds (a phone number at the
// start of a line, or as a page's only line) overflowed a signed int; UBSan
// (the sanitizer build) stops on it.
TEST_CASE("long digit runs: phone numbers are neither enumerators nor page numbers", "[space-aligned]") {
  int n = -7;
  CHECK(enumerator_depth(U"13800138000", &n) == 0);
  CHECK(enumerator_depth(U"13800138000.联系电话", &n) == 0);
  CHECK(enumerator_depth(U"（13800138000）", &n) == 0);
  CHECK(enumerator_depth(U"99999999999999999999、", &n) == 0);
  CHECK(n == -7);
  const auto doc = sa_test::parse(
      "13800138000 联系电话\n一、总体情况\n本年度情况说明。\n\f- 13800138000 -\n"
      "13800138000\n\f12345678901234567890\n二、其他\n");
  bool phone_kept = false;
  for (const auto &b : doc.blocks())
    phone_kept = phone_kept || b.text.find("13800138000 联系电话") != std::string::npos;
  CHECK(phone_kept);
}

TEST_CASE("label wrapped over lines is joined into its row (pdftotext, character count)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("label_wrapped_over_lines.txt"));
  CHECK(labels(doc, "3.危及“三安全一稳定”") == Strings{"3.危及“三安全一稳定”"});
  CHECK(applicants(doc, "3.危及“三安全一稳定”") == Strings{"1", "", "", "", "", "", "1"});
  CHECK(applicants(doc, "2.其他法律行政法规禁止公开") == Strings{"", "", "", "", "", "", "0"});
  // the row-spanning group label: whole, in the first row it spans
  CHECK(labels(doc, "（一）予以公开") == Strings{"三、本年度办理结果", "（一）予以公开"});
  CHECK(labels(doc, "1.属于国家秘密") == Strings{"（三）不予公开", "1.属于国家秘密"});
  // the wrapped group label does not leak into the row beside it
  CHECK(labels(doc, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") ==
        Strings{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）"});
  CHECK(applicants(doc, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") ==
        Strings{"", "", "", "", "1", "", "1"});
  CHECK(applicants(doc, "（七）总计") == Strings{"10", "", "", "", "3", "4", "17"});
  CHECK(applicants(doc, "四、结转下年度继续办理") == Strings{"", "", "", "", "", "", "0"});
  CHECK(sa_test::count_diagnostics(doc, "ambiguous-column") == 0);
}

TEST_CASE("header labels spread over lines become header cells", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("label_wrapped_over_lines.txt"));
  Strings leaves;
  for (const auto &b : doc.blocks())
    if (b.kind == docpipe::sdk::Block::Kind::table)
      for (const auto &r : b.table.rows)
        for (const auto &c : r.cells)
          if (c.header) leaves.push_back(c.text);
  for (const char *h :
       {"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计", "法人或其他组织",
        "申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"})
    CHECK(std::find(leaves.begin(), leaves.end(), h) != leaves.end());
}

TEST_CASE("blank line between rows, display-width columns (w3m)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("blank_line_between_rows.txt"));
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "", "2", "", "", "3", "5"});
  CHECK(applicants(doc, "2.其他法律行政法规禁止公开") == Strings{"", "2", "", "", "", "", "2"});
  CHECK(labels(doc, "1.属于国家秘密") == Strings{"（三）不予公开", "1.属于国家秘密"});
  CHECK(labels(doc, "（一）予以公开") == Strings{"三、本年度办理结果", "（一）予以公开"});
  CHECK(applicants(doc, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") ==
        Strings{"", "", "", "", "1", "", "1"});
  CHECK(applicants(doc, "（七）总计") == Strings{"9", "2", "2", "", "3", "4", "20"});
}

TEST_CASE("page break inside a table shifts the columns of the next page", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("page_break_inside_table.txt"));
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "", "", "", "2", "", "2"});
  // page 2: every column 3 characters further right
  CHECK(applicants(doc, "（二）部分公开") == Strings{"", "", "", "4", "", "", "4"});
  CHECK(applicants(doc, "（七）总计") == Strings{"", "5", "", "", "", "", "5"});
  CHECK(sa_test::count_diagnostics(doc, "page-furniture") == 1);  // "- 1 -"
}

TEST_CASE("header repeated after a page break starts a section of the same table", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("header_repeated_after_page_break.txt"));
  CHECK(applicants(doc, "一、本年新收政府信息公开申请数量") == Strings{"6", "1", "2", "3", "4", "5", "21"});
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "", "", "", "2", "", "2"});
  CHECK(applicants(doc, "四、结转下年度继续办理") == Strings{"", "1", "", "", "", "", "1"});
}

TEST_CASE("running page header inside a table is dropped", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("running_header_inside_table.txt"));
  CHECK(labels(doc, "一、本年新收政府信息公开申请数量") == Strings{"一、本年新收政府信息公开申请数量"});
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "", "", "", "2", "", "2"});
  CHECK(sa_test::count_diagnostics(doc, "page-furniture") == 2);
}

TEST_CASE("box-drawing frame: bars and junctions are the column boundaries", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("box_drawing_frame.txt"));
  CHECK(applicants(doc, "一、本年新收政府信息公开申请数量") == Strings{"5", "", "1", "", "", "", "6"});
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "", "", "", "", "2", "2"});
}

TEST_CASE("+---+ grid with a blank cell (主动公开, start-aligned)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("plus_grid_table.txt"));
  auto a = sa_test::find_row(doc, "行政许可");
  REQUIRE(a);
  CHECK(a->values == Strings{"12", "", "119"});
  auto b = sa_test::find_row(doc, "其他对外管理服务事项");
  REQUIRE(b);
  CHECK(b->values == Strings{"", "0", "3"});
}

TEST_CASE("pandoc dash rules give the columns, a blank cell stays in place", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("pandoc_dash_rules.txt"));
  auto a = sa_test::find_row(doc, "规章");
  REQUIRE(a);
  CHECK(a->values == Strings{"3", "", "7"});
  auto b = sa_test::find_row(doc, "规范性文件");
  REQUIRE(b);
  CHECK(b->values == Strings{"1", "1", "11"});
}

TEST_CASE("cells separated by a single space, character count (lynx)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("single_space_separated_cells.txt"));
  CHECK(applicants(doc, "一、本年新收政府信息公开申请数量") == Strings{"1751", "271", "22", "34", "96", "148", "2322"});
  CHECK(labels(doc, "（一）予以公开") == Strings{"三、本年度办理结果", "（一）予以公开"});
  CHECK(labels(doc, "1.属于国家秘密") == Strings{"（三）不予公开", "1.属于国家秘密"});
  CHECK(applicants(doc, "5.要求行政机关确认或重新出具已获取信息") == Strings{"17", "4", "0", "0", "0", "1", "22"});
}

TEST_CASE("vertically centred group labels move to the first row they span (w3m)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("centred_group_labels.txt"));
  CHECK(labels(doc, "（一）予以公开") == Strings{"三、本年度办理结果", "（一）予以公开"});
  CHECK(labels(doc, "1.属于国家秘密") == Strings{"（三）不予公开", "1.属于国家秘密"});
  CHECK(labels(doc, "2.其他法律行政法规禁止公开") == Strings{"2.其他法律行政法规禁止公开"});
  CHECK(labels(doc, "3.危及“三安全一稳定”") == Strings{"3.危及“三安全一稳定”"});
  CHECK(labels(doc, "1.本机关不掌握相关政府信息") == Strings{"（四）无法提供", "1.本机关不掌握相关政府信息"});
  CHECK(applicants(doc, "1.本机关不掌握相关政府信息") == Strings{"", "", "", "4", "", "", "4"});
  CHECK(applicants(doc, "2.其他法律行政法规禁止公开") == Strings{"", "", "", "", "", "", ""});
  CHECK(applicants(doc, "（七）总计") == Strings{"8", "3", "", "4", "", "", "15"});
}

TEST_CASE("a value alone on the middle line of a wrapped label", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("value_alone_on_line.txt"));
  CHECK(labels(doc, "5.要求行政机关确认或重新出具已获取信息") == Strings{"5.要求行政机关确认或重新出具已获取信息"});
  CHECK(applicants(doc, "5.要求行政机关确认或重新出具已获取信息") == Strings{"", "", "", "", "", "4", "4"});
  CHECK(applicants(doc, "（七）总计") == Strings{"2", "", "", "", "", "4", "6"});
}

TEST_CASE("a value between two columns is reported, not guessed silently", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("value_between_columns.txt"));
  CHECK(applicants(doc, "一、本年新收政府信息公开申请数量") == Strings{"6", "", "", "", "", "", "6"});
  CHECK(sa_test::last_cells(*sa_test::find_row(doc, "二、上年结转政府信息公开申请数量")->row, 1) == Strings{"3"});
  bool found = false;
  for (const auto &d : doc.diagnostics()) found = found || (d.code == "ambiguous-column" && d.line == 8);
  CHECK(found);
}

TEST_CASE("header stacked one character per line over five lines (复议/诉讼)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("stacked_header_five_lines.txt"));
  const docpipe::sdk::Row *data = nullptr;
  for (const auto &b : doc.blocks())
    if (b.kind == docpipe::sdk::Block::Kind::table)
      for (const auto &r : b.table.rows)
        if (!r.cells.empty() && !r.cells.front().header) data = &r;
  REQUIRE(data != nullptr);
  CHECK(sa_test::last_cells(*data, 15) ==
        Strings{"", "2", "0", "1", "3", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"});
}

TEST_CASE("narrative: hard-wrapped lines joined, no space between Han characters", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("narrative_hard_wrapped.txt"));
  const auto &b = doc.blocks();
  REQUIRE(b.size() == 3);
  CHECK(b[0].kind == docpipe::sdk::Block::Kind::heading);
  CHECK(b[0].text == "一、总体情况");
  CHECK(b[1].kind == docpipe::sdk::Block::Kind::paragraph);
  CHECK(b[1].text.find("政府信息公开条例》") != std::string::npos);
  CHECK(b[1].text.find("工作取得了明显成效。") != std::string::npos);
  CHECK(b[1].lines.first == 2);
  CHECK(b[1].lines.last == 4);
  CHECK(b[2].text.rfind("（一）主动公开情况。", 0) == 0);
  CHECK(b[2].text.find("其中机构职能类信息 6 条。") != std::string::npos);
}

TEST_CASE("probe: high for space-aligned tables, low for TAB-separated and Tika text", "[space-aligned]") {
  using docpipe::space_aligned::probe;
  CHECK(probe(sa_test::fixture("label_wrapped_over_lines.txt")) >= 0.6);
  CHECK(probe(sa_test::fixture("pandoc_dash_rules.txt")) >= 0.6);
  CHECK(probe(sa_test::fixture("box_drawing_frame.txt")) >= 0.6);
  CHECK(probe("信息内容\t本年新制作数量\t本年新公开数量\n规章\t0\t0\n规范性文件\t1\t1\n行政许可\t2\t3\n") < 0.2);
  CHECK(probe("\t一、本年新收政府信息公开申请数量\n\n\t6\n\n\t0\n\n\t1\n\n") < 0.2);
  CHECK(probe("一、总体情况\n本年度我局认真贯彻落实条例。\n") < 0.3);
}

TEST_CASE("stray carriage returns and an empty input", "[space-aligned]") {
  std::string t = sa_test::fixture("plus_grid_table.txt");
  std::string crlf;
  for (char c : t) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto doc = sa_test::parse(crlf);
  auto a = sa_test::find_row(doc, "行政许可");
  REQUIRE(a);
  CHECK(a->values == Strings{"12", "", "119"});
  const auto empty = sa_test::parse("");
  CHECK(empty.blocks().empty());
  CHECK(sa_test::count_diagnostics(empty, "no-table") == 1);
}

TEST_CASE("lynx's left margin: headings three columns in are headings, not table rows", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("lynx_left_margin.txt"));
  int headings = 0, tables = 0;
  for (const auto &b : doc.blocks()) {
    headings += b.kind == docpipe::sdk::Block::Kind::heading ? 1 : 0;
    tables += b.kind == docpipe::sdk::Block::Kind::table ? 1 : 0;
  }
  CHECK(headings == 2);  // 二、主动公开… and 三、收到和处理…
  CHECK(tables == 1);
  auto r = sa_test::find_row(doc, "规章");
  REQUIRE(r);
  CHECK(r->values == Strings{"0", "0", "9"});
}

TEST_CASE("lynx header leaves that touch are two columns (其他 ends where 总计 starts)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("lynx_touching_header_leaves.txt"));
  CHECK(applicants(doc, "一、本年新收政府信息公开申请数量") == Strings{"5", "1", "", "", "1", "1", "8"});
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "2", "", "", "2", "", "4"});
  CHECK(labels(doc, "（一）予以公开") == Strings{"三、本年度办理结果", "（一）予以公开"});
}

TEST_CASE("a row's values split over the two lines of its wrapped label (pdftotext, centred cells)",
          "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("values_split_over_wrapped_label.txt"));
  CHECK(applicants(doc, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") ==
        Strings{"86", "22", "3", "0", "6", "5", "122"});
  CHECK(applicants(doc, "（一）予以公开") == Strings{"956", "115", "7", "4", "48", "51", "1181"});
  CHECK(applicants(doc, "1.属于国家秘密") == Strings{"5", "0", "0", "0", "0", "1", "6"});
}

TEST_CASE("narrow label columns of a LibreOffice PDF (pdftotext): values between a label and its continuation",
          "[space-aligned]") {
  // "2.其他法律行政法规" / values alone / "禁止公开"; a bare "（三）" on the value
  // line of "4.保护第三方合法权" / "益", its text "不予公" / "开" below.
  const auto doc = sa_test::parse(sa_test::fixture("pdf_narrow_label_columns.txt"));
  CHECK(applicants(doc, "2.其他法律行政法规禁止公开") == Strings{"13", "3", "0", "0", "0", "2", "18"});
  CHECK(applicants(doc, "3.危及“三安全一稳定”") == Strings{"8", "0", "0", "0", "0", "1", "9"});
  CHECK(applicants(doc, "4.保护第三方合法权益") == Strings{"38", "4", "0", "0", "1", "0", "43"});
  CHECK(labels(doc, "4.保护第三方合法权益") == Strings{"4.保护第三方合法权益"});
  CHECK(labels(doc, "1.属于国家秘密") == Strings{"（三）不予公开", "1.属于国家秘密"});
  CHECK(applicants(doc, "3.要求提供公开出版物") == Strings{"14", "2", "0", "0", "0", "0", "16"});
}

TEST_CASE("values left-aligned under their headers are placed by their start (LibreOffice PDF)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("pdf_left_aligned_values.txt"));
  CHECK(applicants(doc, "一、本年新收政府信息公开申请数量") == Strings{"5", "1", "", "", "1", "1", "8"});
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "2", "", "", "2", "", "4"});
}

TEST_CASE("a row label reaching under the first column's header does not hide that column (LibreOffice PDF)",
          "[space-aligned]") {
  // pdftotext counts a CJK character as one column: 2.没有现成信息需要另
  // ends one column right of where 自然人's header starts.
  const auto doc = sa_test::parse(sa_test::fixture("pdf_label_under_first_column.txt"));
  CHECK(applicants(doc, "（一）予以公开") == Strings{"3", "", "", "", "", "2", "5"});
  CHECK(applicants(doc, "二、上年结转政府信息公开申请数量") == Strings{"", "", "", "", "2", "3", "5"});
  CHECK(applicants(doc, "1.本机关不掌握相关政府信息") == Strings{"", "", "", "", "", "2", "2"});
}

TEST_CASE("a next page on its own scale: the values its rows' totals line up on are the last column (pdftotext)",
          "[space-aligned]") {
  // The header is on the first page, 总计 at column 61; pdftotext puts the
  // next page's totals at column 17, under 自然人's header.
  const auto doc = sa_test::parse(sa_test::fixture("pdf_next_page_own_scale.txt"));
  CHECK(applicants(doc, "（一）予以公开") == Strings{"3", "", "", "", "", "2", "5"});
  CHECK(applicants(doc, "1.属于国家秘密") == Strings{"", "", "", "", "", "", "0"});
  CHECK(applicants(doc, "4.保护第三方合法权益") == Strings{"", "", "", "", "", "", "0"});
  CHECK(applicants(doc, "8.属于行政查询事项") == Strings{"", "", "", "", "", "", "0"});
}

TEST_CASE("a number wrapped in a narrow cell is joined back (pdftotext: 452.83 over 39)", "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::fixture("pdf_number_wrapped_in_cell.txt"));
  auto f = sa_test::find_row(doc, "政府集中采购");
  REQUIRE(f.has_value());
  CHECK(sa_test::last_cells(*f->row, 2) == Strings{"14", "452.8339"});
  // No cell keeps the piece on its own.
  int pieces = 0;
  for (const auto &b : doc.blocks())
    if (b.kind == docpipe::sdk::Block::Kind::table)
      for (const auto &r : b.table.rows)
        for (const auto &c : r.cells) pieces += c.text == "39";
  CHECK(pieces == 0);
}

TEST_CASE(
    "pdftotext of a real report: a label over three lines with a blank line keeps its values, and the "
    "复议/诉讼 data row lines below its header is read",
    "[space-aligned]") {
  const auto doc = sa_test::parse(sa_test::read_file(std::string(DOCPIPE_SOURCE_DIR) +
                                                     "/tests/e2e/fixtures/real-pdftotext/400_7a5ca51893172e72.txt"));
  const auto row = sa_test::find_row(doc, "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
  REQUIRE(row.has_value());
  CHECK(sa_test::last_cells(*row->row, 7) == Strings{"67", "3", "0", "0", "1", "0", "71"});
  bool appeals = false;
  for (const auto &b : doc.blocks())
    if (b.kind == docpipe::sdk::Block::Kind::table)
      for (const auto &r : b.table.rows)
        appeals = appeals || (r.cells.size() >= 15 &&
                              sa_test::last_cells(r, 15) == Strings{"72", "64", "178", "37", "351", "13", "4", "8", "1",
                                                                    "26", "12", "1", "1", "6", "20"});
  CHECK(appeals);
  // Group labels printed vertically (三、 / 本 / 年 / 度 …) or cut by their
  // rows' lines (（六）其 / 2、申请人… / 他处理) come back whole.
  auto has_cell = [&](const std::string &text) {
    for (const auto &b : doc.blocks())
      for (const auto &r : b.table.rows)
        for (const auto &c : r.cells)
          if (c.text == text) return c.rowspan > 1;
    return false;
  };
  CHECK(has_cell("三、本年度办理结果"));
  CHECK(has_cell("（六）其他处理"));
}

TEST_CASE("shapes: a table is told by the keys its labels hold, anywhere in them", "[space-aligned]") {
  using docpipe::sdk::HintTable;
  docpipe::sdk::ShapeHints h;
  auto table = [&](const char *id, std::vector<std::string> keys, size_t columns) {
    HintTable &t = h.tables.emplace_back();
    t.id = id;
    auto &s = t.sections.emplace_back();
    s.columns.resize(columns);
    for (auto &k : keys) s.rows.emplace_back().keys = {k};
  };
  // Keys of both tables share their first two characters.
  table("a", {"甲乙丙丁", "戊己庚"}, 3);
  table("b", {"甲乙子丑", "寅卯辰"}, 5);
  const docpipe::space_aligned::Shapes shapes(h);
  // Keys inside the joined labels, one of them across a word's seam.
  CHECK(shapes.of("天地甲乙丙丁戊己庚").fixed_columns == 3);
  CHECK(shapes.of("寅卯辰天甲乙子丑").fixed_columns == 5);
  // A shared prefix alone is no key; one key alone is not clear enough.
  CHECK(shapes.of("甲乙丙戊己庚").fixed_columns == 0);
  CHECK(shapes.of("甲乙").fixed_columns == 0);
  CHECK(shapes.of("").fixed_columns == 0);
}
