// The xlsx output, reopened with openpyxl (Debian's /usr/bin/python3) and
// with unzip, checked cell by cell.
#include <catch2/catch.hpp>
#include <chrono>
#include <docpipe/sdk/text.hpp>
#include <pugixml.hpp>
#include <set>
#include <thread>

#include "plugin_harness.hpp"

using namespace test;
namespace sdk = docpipe::sdk;

namespace {

struct Cell {
  std::string type;  // openpyxl data_type: "n" number, "s" string, "f" formula
  std::string value;
  bool operator==(const Cell &) const = default;
};

struct SheetDump {
  std::string freeze;
  std::set<std::string> merges;
  std::map<std::string, double> widths;
  std::map<std::string, Cell> cells;                          // only cells holding a value
  std::map<std::string, std::string> fills, comments, print;  // solid fill colour, comment text, print setup
  std::map<int, double> heights;                              // rows with a set height

  bool blank(const std::string &coord) const { return cells.count(coord) == 0; }
  const Cell &at(const std::string &coord) const {
    const auto it = cells.find(coord);
    if (it == cells.end()) throw std::runtime_error("no value in " + coord);
    return it->second;
  }
  std::string text(const std::string &coord) const {
    const Cell &c = at(coord);
    if (c.type != "s") throw std::runtime_error(coord + " is not a string cell but " + c.type + ": " + c.value);
    return c.value;
  }
  double number(const std::string &coord) const {
    const Cell &c = at(coord);
    if (c.type != "n") throw std::runtime_error(coord + " is not a number cell but " + c.type + ": " + c.value);
    return std::stod(c.value);
  }
};

struct BookDump {
  std::vector<std::string> sheets;
  std::map<std::string, SheetDump> sheet;
};

std::string unescape(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

BookDump reopen(const std::string &xlsx_bytes) {
  ScratchDir dir;
  const fs::path file = dir.path() / "book.xlsx";
  std::ofstream(file, std::ios::binary) << xlsx_bytes;
  const std::string script = std::string(DOCPIPE_TEST_DIR) + "/plugins/outputs/xlsx_dump.py";
  const auto [status, out] = shell("/usr/bin/python3 " + quote(script) + " " + quote(file.string()));
  if (status != 0) throw std::runtime_error("xlsx_dump.py failed (" + std::to_string(status) + ")");
  BookDump book;
  for (const std::string &line : split(out, "\n")) {
    if (line.empty()) continue;
    const std::vector<std::string> f = split(line, "\t");
    if (f[0] == "sheet") {
      book.sheets.push_back(f.at(1));
    } else if (f[0] == "freeze") {
      book.sheet[f.at(1)].freeze = f.at(2);
    } else if (f[0] == "merge") {
      book.sheet[f.at(1)].merges.insert(f.at(2));
    } else if (f[0] == "width") {
      book.sheet[f.at(1)].widths[f.at(2)] = std::stod(f.at(3));
    } else if (f[0] == "cell") {
      book.sheet[f.at(1)].cells[f.at(2)] = Cell{f.at(3), unescape(f.at(4))};
    } else if (f[0] == "fill") {
      book.sheet[f.at(1)].fills[f.at(2)] = f.at(3);
    } else if (f[0] == "comment") {
      book.sheet[f.at(1)].comments[f.at(2)] = unescape(f.at(3));
    } else if (f[0] == "height") {
      book.sheet[f.at(1)].heights[std::stoi(f.at(2))] = std::stod(f.at(3));
    } else if (f[0] == "print") {
      book.sheet[f.at(1)].print[f.at(2)] = f.at(3);
    }
  }
  return book;
}

// A member of the zip, read with unzip.
std::string zip_member(const std::string &xlsx_bytes, const std::string &member) {
  ScratchDir dir;
  const fs::path file = dir.path() / "book.xlsx";
  std::ofstream(file, std::ios::binary) << xlsx_bytes;
  const auto [status, out] = shell("unzip -p " + quote(file.string()) + " " + quote(member));
  if (status != 0) throw std::runtime_error("unzip " + member + " failed");
  return out;
}

const std::string &full_xlsx() {
  static const std::string bytes = [] {
    const Run r = run("xlsx", read_bytes(fixture("full_model.xml")));
    if (r.status != DOCPIPE_OK) throw std::runtime_error("xlsx failed: " + r.error);
    return r.files.at(".xlsx");
  }();
  return bytes;
}

}  // namespace

TEST_CASE("xlsx has the metadata, table, template, values and checks sheets", "[xlsx]") {
  const Run r = run("xlsx", read_bytes(fixture("full_model.xml")));
  REQUIRE(r.status == DOCPIPE_OK);
  REQUIRE(r.suffixes == std::vector<std::string>{".xlsx"});
  const BookDump book = reopen(r.files.at(".xlsx"));
  CHECK(book.sheets == std::vector<std::string>{"metadata", "table-1", "table-2", "主动公开政府信息情况",
                                                "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
                                                "values", "checks"});
}

TEST_CASE("xlsx sheets option picks the sheets, unknown names are refused", "[xlsx]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  const Run lean = run("xlsx", model, {{"sheets", "metadata,template,checks"}});
  REQUIRE(lean.status == DOCPIPE_OK);
  const BookDump book = reopen(lean.files.at(".xlsx"));
  CHECK(book.sheets == std::vector<std::string>{"metadata", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                                                "政府信息公开行政复议、行政诉讼情况", "checks"});
  // The template cells are the same as in the full workbook.
  const BookDump full = reopen(full_xlsx());
  CHECK(book.sheet.at("主动公开政府信息情况").cells == full.sheet.at("主动公开政府信息情况").cells);
  CHECK(run("xlsx", model, {{"sheets", "all"}}).files.at(".xlsx") == full_xlsx());
  // A model without records still gets its raw tables: they are its only content.
  const Run body = run("xlsx", read_bytes(fixture("body_only.xml")), {{"sheets", "checks"}});
  REQUIRE(body.status == DOCPIPE_OK);
  CHECK(reopen(body.files.at(".xlsx")).sheets == std::vector<std::string>{"table-1", "table-2"});
  for (const char *bad : {"metadata,valeus", "", "template,"}) {
    const Run r = run("xlsx", model, {{"sheets", bad}});
    CHECK(r.status == DOCPIPE_ERR_OPTION);
    CHECK(r.error.find("none of all, metadata, tables, template, values, checks") != std::string::npos);
    CHECK(r.suffixes.empty());
  }
}

TEST_CASE("xlsx metadata sheet: provenance, encoding decision, verdict and reasons, report", "[xlsx]") {
  const SheetDump m = reopen(full_xlsx()).sheet.at("metadata");
  std::map<std::string, std::vector<std::string>> field;
  std::map<std::string, std::string> type;  // of the value cell
  for (int r = 1; m.cells.count("A" + std::to_string(r)); ++r) {
    const std::string row = std::to_string(r);
    field[m.text("A" + row)].push_back(m.blank("B" + row) ? "" : m.at("B" + row).value);
    type[m.text("A" + row)] = m.blank("B" + row) ? "" : m.at("B" + row).type;
  }
  // Numbers are numbers: the byte count, the plugin's confidence, the year.
  CHECK(type.at("bytes") == "n");
  CHECK(type.at("input confidence") == "n");
  CHECK(type.at("report year") == "n");
  CHECK(type.at("sha256") == "s");
  CHECK(type.at("report date") == "s");
  CHECK(field.at("source") == std::vector<std::string>{"in/南关区/000.txt"});
  CHECK(field.at("sha256")[0] == "7857eb71252cdf4c7857eb71252cdf4c7857eb71252cdf4c7857eb71252cdf4c");
  CHECK(field.at("encoding")[0] == "gb18030");
  CHECK(field.at("encoding decision")[0] == "not valid UTF-8; strict GB18030 decoded, 96% CJK/ASCII");
  CHECK(field.at("input plugin")[0] == "word-export 1.0.0");
  CHECK(field.at("template")[0] == "ogi-2019");
  CHECK(field.at("verdict")[0] == "review");
  CHECK(field.at("verdict reason") ==
        std::vector<std::string>{"failed-identity: balance fails in column 自然人: 12 ≠ 18",
                                 "unmapped-cells: 1 source line holds data but fits no cell"});
  CHECK(field.at("report title")[0] == "南关区红十字会2020年政府信息公开工作年度报告");
  CHECK(field.at("report agency")[0] == "南关区红十字会");
  CHECK(std::stod(field.at("report year")[0]) == 2020);
  CHECK(field.at("report date")[0] == "2021年1月20日");
}

TEST_CASE("xlsx body table: merges for spans, numbers only for plain numbers, blanks blank", "[xlsx]") {
  const SheetDump t = reopen(full_xlsx()).sheet.at("table-1");
  CHECK(t.merges == std::set<std::string>{"A1:A2", "B1:D1", "E1:E2", "A4:A5", "A6:B6"});
  CHECK(t.freeze == "A3");  // the two header rows
  CHECK(t.text("A1") == "信息内容");
  CHECK(t.text("B1") == "申请人情况");
  CHECK(t.text("C2") == "商业\n企业");
  CHECK(t.number("B3") == 12);
  CHECK(t.blank("C3"));
  CHECK(t.number("D3") == -2);
  CHECK(t.text("E3") == "1,234");
  CHECK(t.text("B4") == "+5");
  CHECK(t.number("C4") == -0.5);
  CHECK(t.text("D4") == "１２");
  CHECK(t.text("E4") == "=SUM(B3:B4)");  // a string, never a formula
  CHECK(t.text("B5") == "@cmd");
  CHECK(t.text("C5") == "-");
  CHECK(t.text("D5") == "a, \"quoted\"\nline");
  CHECK(t.number("E5") == 0);
  CHECK(t.text("A6") == "合计");
  CHECK(t.blank("C6"));
  CHECK(t.number("D6") == 3.5);
  CHECK(t.text("E6") == "012");  // a leading zero is not a plain number
  CHECK(t.text("A7") == "备注");
  CHECK(t.text("B7") == "\ttab");
  CHECK(t.blank("C7"));
  CHECK(t.text("D7") == "-注");
  CHECK(t.blank("E7"));
  // CJK-aware widths: "（三）不予公开" (merged over two rows) is 14 display
  // columns, set as 14 + 2; openpyxl reads back Excel's padded width.
  CHECK(t.widths.at("A") >= 16);
  CHECK(t.widths.at("A") < 17);
  CHECK(t.widths.at("A") > t.widths.at("E"));

  const SheetDump t2 = reopen(full_xlsx()).sheet.at("table-2");
  CHECK(t2.merges.empty());
  CHECK(t2.freeze == "A2");
  CHECK(t2.number("A2") == 0);
  CHECK(t2.blank("B2"));
}

TEST_CASE("xlsx template table 2 in canonical layout: merged label paths", "[xlsx]") {
  const SheetDump t = reopen(full_xlsx()).sheet.at("收到和处理政府信息公开申请情况");
  // Three label columns (deepest row path), two header rows.
  CHECK(t.merges == std::set<std::string>{
                        "A1:C2",                                               // corner
                        "A3:C3", "A4:A7", "B4:C4", "B5:B6", "B7:C7", "A8:C8",  // row labels
                        "D1:D2", "E1:F1", "G1:G2",                             // column labels
                    });
  CHECK(t.freeze == "D3");
  CHECK(t.text("A3") == "一、本年新收政府信息公开申请数量");
  CHECK(t.text("A4") == "三、本年度办理结果");
  CHECK(t.text("B4") == "（一）予以公开");
  CHECK(t.text("B5") == "（三）不予公开");
  CHECK(t.text("C5") == "1.属于国家秘密");
  CHECK(t.text("C6") == "2.其他法律行政法规禁止公开");
  CHECK(t.text("B7") == "（七）总计");
  CHECK(t.text("A8") == "四、结转下年度继续办理");
  CHECK(t.text("D1") == "自然人");
  CHECK(t.text("E1") == "法人或其他组织");
  CHECK(t.text("E2") == "商业企业");
  CHECK(t.text("F2") == "科研机构");
  CHECK(t.text("G1") == "总计");
  // Values: numbers only for plain numbers, raw text otherwise, blanks blank.
  CHECK(t.number("D3") == 12);
  CHECK(t.blank("E3"));
  CHECK(t.number("F3") == -2);
  CHECK(t.number("G3") == 10);
  CHECK(t.text("D4") == "+5");
  CHECK(t.text("E4") == "１２");
  CHECK(t.number("F4") == 0);
  CHECK(t.blank("E5"));  // absent
  CHECK(t.text("E6") == "-");
  CHECK(t.text("F6") == "不适用");
  CHECK(t.number("G7") == 30);
}

TEST_CASE("xlsx template table 2 as the form prints it: band, corner note, failed identity marked", "[xlsx]") {
  // The model names the form's band and corner note of the table (from the
  // template's <header-label print="band|corner">).
  const std::string note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
  std::string model = read_bytes(fixture("full_model.xml"));
  const std::string bare = R"(<template id="ogi-2019" title="国办公开办函〔2019〕60号"/>)";
  REQUIRE(model.find(bare) != std::string::npos);
  model.replace(model.find(bare), bare.size(),
                R"(<template id="ogi-2019" title="国办公开办函〔2019〕60号"><table id="requests" )"
                R"(name="收到和处理政府信息公开申请情况" variant="ogi-2019" corner=")" +
                    note + R"(" band="申请人情况"/></template>)");
  const Run r = run("xlsx", model);
  REQUIRE(r.status == DOCPIPE_OK);
  const BookDump book = reopen(r.files.at(".xlsx"));
  const SheetDump &t = book.sheet.at("收到和处理政府信息公开申请情况");
  // The band is a header row over every value column; the note fills the
  // corner over the three label columns and the three header rows.
  CHECK(t.merges == std::set<std::string>{
                        "A1:C3", "D1:G1",                                      // corner, band
                        "A4:C4", "A5:A8", "B5:C5", "B6:B7", "B8:C8", "A9:C9",  // row labels
                        "D2:D3", "E2:F2", "G2:G3",                             // column labels
                    });
  CHECK(t.text("A1") == note);
  CHECK(t.text("D1") == "申请人情况");
  CHECK(t.text("D2") == "自然人");
  CHECK(t.text("E3") == "商业企业");
  CHECK(t.freeze == "D4");
  CHECK(t.print.at("titles") == "$1:$3");
  CHECK(t.number("D4") == 12);
  // balance fails in column 自然人: its terms (一 = 12; （七）总计 = 18, 四 =
  // 0) are red, each with a comment naming the identity; no other cell is.
  const std::string why = "identity balance fails in column 自然人: expected 12, actual 18";
  CHECK(t.comments == std::map<std::string, std::string>{{"D4", why}, {"D8", why}, {"D9", why}});
  std::set<std::string> red;
  for (const auto &[coord, rgb] : t.fills)
    if (rgb.find("FFC7CE") != std::string::npos) red.insert(coord);
  CHECK(red == std::set<std::string>{"D4", "D8", "D9"});
  CHECK(t.number("D8") == 18);
  // The labels fit their columns on one line: no row height is set.
  CHECK(t.heights.empty());
}

TEST_CASE("xlsx sheets print landscape on A4, one page wide, their header rows on every page", "[xlsx]") {
  const BookDump book = reopen(full_xlsx());
  for (const std::string &name : book.sheets) {
    const SheetDump &s = book.sheet.at(name);
    INFO(name);
    CHECK(s.print.at("orientation") == "landscape");
    CHECK(s.print.at("paper") == "9");
    CHECK(s.print.at("fitToPage") == "True");
    CHECK(s.print.at("fitToWidth") == "1");
  }
  CHECK(book.sheet.at("收到和处理政府信息公开申请情况").print.at("titles") == "$1:$2");
  CHECK(book.sheet.at("政府信息公开行政复议、行政诉讼情况").print.at("titles") == "$1:$3");
  CHECK(book.sheet.at("table-1").print.at("titles") == "$1:$2");
  CHECK(book.sheet.at("checks").print.at("titles") == "$1:$1");
  // In the sheet XML itself: fit to the page, as many pages down as it
  // takes (fitToHeight 0), landscape, no manual page breaks.
  for (size_t i = 1; i <= book.sheets.size(); ++i) {
    const std::string xml = zip_member(full_xlsx(), "xl/worksheets/sheet" + std::to_string(i) + ".xml");
    INFO(book.sheets[i - 1]);
    CHECK(xml.find(R"(<pageSetUpPr fitToPage="1"/>)") != std::string::npos);
    CHECK(xml.find(R"(<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>)") != std::string::npos);
    CHECK(xml.find("rowBreaks") == std::string::npos);
  }
}

TEST_CASE("xlsx template table 1: `本年增/减` is one column label", "[xlsx]") {
  const SheetDump t = reopen(full_xlsx()).sheet.at("主动公开政府信息情况");
  CHECK(t.merges == std::set<std::string>{"A1:B1"});  // one header row: no column label was split
  CHECK(t.freeze == "C2");
  CHECK(t.text("C1") == "本年新制作数量");
  CHECK(t.text("G1") == "本年增/减");
  CHECK(t.text("J1") == "采购总金额");
  CHECK(t.text("A2") == "第二十条第（一）项");
  CHECK(t.text("B2") == "规章");
  CHECK(t.text("A4") == "第二十条第（九）项");
  CHECK(t.number("C2") == 3);
  CHECK(t.blank("D2"));
  CHECK(t.blank("F2"));  // no template cell there (other section's column)
  CHECK(t.number("G3") == -2);
  CHECK(t.text("H3") == "-");
  CHECK(t.text("I4") == "1,234");
  CHECK(t.text("J4") == "251000元");
}

TEST_CASE("xlsx template table 3: empty row path, three header levels", "[xlsx]") {
  const SheetDump t = reopen(full_xlsx()).sheet.at("政府信息公开行政复议、行政诉讼情况");
  CHECK(t.merges == std::set<std::string>{"A1:A3", "B1:C1", "B2:B3", "C2:C3", "D1:F1", "D2:E2"});
  CHECK(t.text("B1") == "行政复议");
  CHECK(t.text("B2") == "结果维持");
  CHECK(t.text("D1") == "行政诉讼");
  CHECK(t.text("D2") == "未经复议直接起诉");
  CHECK(t.text("D3") == "结果维持");
  CHECK(t.text("E3") == "总计");
  CHECK(t.text("F2") == "复议后起诉");
  CHECK(t.text("F3") == "总计");
  CHECK(t.blank("A4"));
  CHECK(t.number("B4") == 1);
  CHECK(t.blank("D4"));
  CHECK(t.text("F4") == "=1+1, \"见说明\"");
}

TEST_CASE("xlsx values and checks sheets", "[xlsx]") {
  const BookDump book = reopen(full_xlsx());
  const SheetDump &v = book.sheet.at("values");
  const std::vector<std::string> header{"file",  "template", "table", "row",         "column",   "value",
                                        "state", "number",   "unit",  "source_line", "placement"};
  for (size_t c = 0; c < header.size(); ++c) CHECK(v.text(std::string(1, char('A' + c)) + "1") == header[c]);
  CHECK(v.freeze == "A2");
  CHECK(v.text("A2") == "000.txt");
  CHECK(v.text("B2") == "ogi-2019");
  CHECK(v.text("F2") == "3");  // the raw value stays text
  CHECK(v.number("H2") == 3);  // the parsed number is a number
  CHECK(v.number("J2") == 60);
  CHECK(v.text("E6") == "本年增/减");
  CHECK(v.text("F6") == "-2");
  CHECK(v.text("F9") == "251000元");
  CHECK(v.text("I9") == "元");
  CHECK(v.blank("F3"));
  CHECK(v.blank("J19"));  // absent: no source line
  CHECK(v.text("F38") == "=1+1, \"见说明\"");
  CHECK(v.blank("A39"));

  const SheetDump &c = book.sheet.at("checks");
  CHECK(c.text("A1") == "identity");
  CHECK(c.text("I1") == "terms");
  // The failures first (the model has row_total's pass before them).
  CHECK(c.text("A2") == "balance");
  CHECK(c.text("D2") == "自然人");
  CHECK(c.text("E2") == "fail");
  CHECK(c.number("F2") == 12);
  CHECK(c.number("G2") == 18);
  CHECK(c.text("A3") == "row_total");
  CHECK(c.text("E3") == "pass");
  CHECK(c.text("I2") ==
        "expected: 一、本年新收政府信息公开申请数量 | 自然人 = 12\n"
        "actual: 三、本年度办理结果/（七）总计 | 自然人 = 18\n"
        "actual: 四、结转下年度继续办理 | 自然人 = 0");
  CHECK(c.text("E4") == "blank-pass");
  CHECK(c.text("I4") == "expected:  | 行政复议/结果维持 = 1\nactual:  | 行政复议/总计 = 1");
  CHECK(c.text("H4") == "true");
  CHECK(c.blank("A5"));
}

TEST_CASE("xlsx without records has no template, values or checks sheets", "[xlsx]") {
  const Run r = run("xlsx", read_bytes(fixture("body_only.xml")));
  REQUIRE(r.status == DOCPIPE_OK);
  const BookDump book = reopen(r.files.at(".xlsx"));
  CHECK(book.sheets == std::vector<std::string>{"metadata", "table-1", "table-2"});
  const SheetDump &t = book.sheet.at("table-2");
  CHECK(t.freeze.empty());  // no header cells, nothing frozen
  CHECK(t.text("A2") == "+");
  CHECK(t.text("B2") == "-1,234.5");
  CHECK(book.sheet.at("table-1").cells.empty());
}

TEST_CASE("xlsx sheet names follow Excel's rules", "[xlsx]") {
  // Table titles that are too long, hold forbidden characters, start with an
  // apostrophe, collide after cleaning, or are empty.
  std::string model = read_bytes(fixture("body_only.xml"));
  const std::string records =
      "<template id=\"t\" title=\"t\"/><records>"
      "<record table=\"a/b:c*d?e[f]g\\h\" row=\"r\" column=\"c\" value=\"1\" state=\"number\" number=\"1\" "
      "placement=\"direct\"/>"
      "<record table=\"a_b_c_d_e_f_g_h\" row=\"r\" column=\"c\" value=\"2\" state=\"number\" number=\"2\" "
      "placement=\"direct\"/>"
      "<record table=\"'政府信息公开行政复议、行政诉讼情况政府信息公开行政复议、行政诉讼情况'\" row=\"r\" column=\"c\" "
      "value=\"\" state=\"blank\" placement=\"direct\"/>"
      "<record table=\"\" row=\"r\" column=\"c\" value=\"\" state=\"blank\" placement=\"direct\"/>"
      "<record table=\"VALUES\" row=\"r\" column=\"c\" value=\"\" state=\"blank\" placement=\"direct\"/>"
      "</records>";
  model.replace(model.find("</document>"), 0, records);
  const Run r = run("xlsx", model);
  REQUIRE(r.status == DOCPIPE_OK);
  const BookDump book = reopen(r.files.at(".xlsx"));
  CHECK(book.sheets == std::vector<std::string>{"metadata", "table-1", "table-2", "a_b_c_d_e_f_g_h",
                                                "a_b_c_d_e_f_g_h (2)",
                                                "政府信息公开行政复议、行政诉讼情况政府信息公开行政复议、行政诉",
                                                "sheet", "VALUES", "values (2)", "checks"});
  for (const auto &name : book.sheets) CHECK(sdk::to_u32(name).size() <= 31);
}

TEST_CASE("xlsx bytes are deterministic: fixed created time, same file twice", "[xlsx]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  const Run first = run("xlsx", model);
  // Zip entries carry a 2-second DOS time: a clock-dependent writer would differ.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const Run second = run("xlsx", model);
  REQUIRE(first.status == DOCPIPE_OK);
  REQUIRE(second.status == DOCPIPE_OK);
  CHECK(first.files.at(".xlsx") == second.files.at(".xlsx"));

  pugi::xml_document core;
  REQUIRE(core.load_string(zip_member(first.files.at(".xlsx"), "docProps/core.xml").c_str()));
  CHECK(std::string(core.document_element().child("dcterms:created").text().get()) == "2020-01-01T00:00:00Z");
}

TEST_CASE("xlsx writes numbers as numbers in the sheet XML itself", "[xlsx]") {
  // Independent of openpyxl: table-1 is sheet2.xml; B3 must be <c><v>12</v>
  // with no string type, C3 a value-less (blank) cell.
  pugi::xml_document sheet;
  REQUIRE(sheet.load_string(zip_member(full_xlsx(), "xl/worksheets/sheet2.xml").c_str()));
  const pugi::xml_node data = sheet.document_element().child("sheetData");
  const pugi::xml_node b3 = data.find_child_by_attribute("row", "r", "3").find_child_by_attribute("c", "r", "B3");
  REQUIRE(b3);
  CHECK(std::string(b3.attribute("t").as_string()) == "");
  CHECK(std::string(b3.child("v").text().get()) == "12");
  const pugi::xml_node c3 = data.find_child_by_attribute("row", "r", "3").find_child_by_attribute("c", "r", "C3");
  CHECK(!c3.child("v"));
  CHECK(sheet.document_element().child("mergeCells").attribute("count").as_int() == 5);
}

TEST_CASE("xlsx failures are output errors", "[xlsx]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  const Run missing = run("xlsx", model, {}, /*broken_dir=*/true);
  CHECK(missing.status == DOCPIPE_ERR_OUTPUT);
  CHECK(missing.error.find("cannot create") != std::string::npos);
  CHECK(run("xlsx", model, {}, false, /*refuse=*/true).status == DOCPIPE_ERR_OUTPUT);
  CHECK(run("xlsx", model, {{"bom", "false"}}).status == DOCPIPE_ERR_OPTION);
  // A cell longer than Excel's 32,767 characters cannot be written.
  std::string huge = model;
  const size_t at = huge.find(">12</cell>");
  huge.replace(at + 1, 2, std::string(40000, '9'));
  const Run too_long = run("xlsx", huge);
  CHECK(too_long.status == DOCPIPE_ERR_OUTPUT);
  CHECK(too_long.error.find("sheet table-1 cell B3") != std::string::npos);
}

TEST_CASE("xlsx gives identical files when called from several threads at once", "[xlsx]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  std::vector<Run> runs(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < runs.size(); ++i) threads.emplace_back([&, i] { runs[i] = run("xlsx", model); });
  for (auto &t : threads) t.join();
  for (const Run &r : runs) {
    REQUIRE(r.status == DOCPIPE_OK);
    CHECK(r.files.at(".xlsx") == full_xlsx());
  }
}

// Issue 14, D2: no output writes bytes that are not UTF-8, whatever the model
// holds (the core never sends such a model; the outputs check anyway, with
// the one check of the SDK).
TEST_CASE("every output refuses a model holding bytes that are not UTF-8", "[xlsx][csv][values][xml]") {
  std::string model = read_bytes(fixture("full_model.xml"));
  const std::string cell = ">+5<", value = "value=\"+5\"";
  REQUIRE(model.find(cell) != std::string::npos);
  REQUIRE(model.find(value) != std::string::npos);
  model.replace(model.find(cell), cell.size(), ">+5\xD5\xFE<");            // GBK bytes in a body cell
  model.replace(model.find(value), value.size(), "value=\"+5\xD5\xFE\"");  // and in a record
  for (const std::string name : {"xlsx", "csv", "values", "xml"}) {
    INFO(name);
    const Run r = run(name, model);
    CHECK(r.status == DOCPIPE_ERR_INPUT);
    CHECK(r.error.find("not valid UTF-8 at byte") != std::string::npos);  // (the host discards its files)
  }
}
