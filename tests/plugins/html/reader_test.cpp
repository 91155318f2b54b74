// The html reader on pages harder than the corpus: irregular markup, another
// colspan grid in the data rows than in the header, nested layout tables,
// GBK pages, page clutter.
#include "reader.hpp"

#include <unicode/ucnv.h>

#include <catch2/catch.hpp>
#include <docpipe/sdk/plugin.hpp>
#include <string>
#include <vector>

using namespace docpipe;

namespace {

std::string encode(const char *charset, const std::string &utf8) {
  UErrorCode st = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  const int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                 static_cast<int32_t>(utf8.size()), &st);
  REQUIRE(U_SUCCESS(st));
  out.resize(static_cast<size_t>(n));
  return out;
}

sdk::RawDocument read(const std::string &bytes) {
  sdk::RawDocument doc;
  html::read(bytes, doc);
  return doc;
}

std::vector<const sdk::Table *> tables(const sdk::RawDocument &doc) {
  std::vector<const sdk::Table *> out;
  for (const auto &b : doc.blocks())
    if (b.kind == sdk::Block::Kind::table) out.push_back(&b.table);
  return out;
}

std::vector<std::string> texts(const sdk::RawDocument &doc) {
  std::vector<std::string> out;
  for (const auto &b : doc.blocks())
    if (b.kind != sdk::Block::Kind::table) out.push_back(b.text);
  return out;
}

// The texts of a row's cells, "" for blank ones.
std::vector<std::string> row(const sdk::Table &t, size_t r) {
  std::vector<std::string> out;
  for (const auto &c : t.rows.at(r).cells) out.push_back(c.text);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("cells: lines from <br> and <p>, blanks stay blank, placeholders as written") {
  const auto doc = read(
      "<html><body><table>\n"
      "<tr><td>信息内容</td><td>本年新<br>制作数量</td><td><p>本年新</p><p>公开数量</p></td></tr>\n"
      "<tr><td>规章</td><td>&nbsp;</td><td>/</td></tr>\n"
      "<tr><td>规范性文件</td><td></td><td> 3 </td></tr>\n"
      "</table></body></html>");
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  CHECK(row(*t[0], 0) == V{"信息内容", "本年新\n制作数量", "本年新\n公开数量"});
  CHECK(row(*t[0], 1) == V{"规章", "", "/"});
  CHECK(row(*t[0], 2) == V{"规范性文件", "", "3"});
  // A cell's line is the line of its <td> in the page's source.
  CHECK(t[0]->rows[1].cells[0].lines.first == 3);
  CHECK(t[0]->rows[2].cells[2].lines.first == 4);
}

TEST_CASE("source lines of Chinese text join without a space, other words with one") {
  const auto doc = read(
      "<html><body><p>本报告根据\n    《条例》编制，\n  see  the   table.</p>"
      "<table><tr><td>本年新\n制作数量</td><td>0</td></tr></table></body></html>");
  CHECK(texts(doc).at(0) == "本报告根据《条例》编制， see the table.");
  CHECK(row(*tables(doc).at(0), 0) == V{"本年新制作数量", "0"});
}

TEST_CASE("rowspan: covered positions are blank cells, so every row keeps its width") {
  const auto doc = read(
      "<table><tr><td rowspan=3>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>5</td></tr>"
      "<tr><td rowspan=2>（三）不予公开</td><td>1.属于国家秘密</td><td>0</td></tr>"
      "<tr><td>2.其他法律行政法规禁止公开</td><td>1</td></tr></table>");
  const auto &t = *tables(doc).at(0);
  CHECK(row(t, 0) == V{"三、本年度办理结果", "（一）予以公开", "5"});
  CHECK(t.rows[0].cells[0].rowspan == 3);
  CHECK(t.rows[0].cells[1].colspan == 2);
  CHECK(row(t, 1) == V{"", "（三）不予公开", "1.属于国家秘密", "0"});
  CHECK(row(t, 2) == V{"", "", "2.其他法律行政法规禁止公开", "1"});
}

TEST_CASE("irregular markup: unclosed cells and rows, upper case, bare attributes") {
  const auto doc = read(
      "<HTML><BODY><P>二、主动公开政府信息情况\n"
      "<TABLE border=1><TR><TD>信息内容<TD>本年新制作数量<TD>对外公开总数量\n"
      "<TR><TD>规章<TD>0<TD>5\n"
      "<tr><td>规范性文件<td COLSPAN=1>8<td>55</table>\n"
      "<p>三、收到和处理政府信息公开申请情况");
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  REQUIRE(t[0]->rows.size() == 3);
  CHECK(row(*t[0], 1) == V{"规章", "0", "5"});
  CHECK(row(*t[0], 2) == V{"规范性文件", "8", "55"});
  CHECK(texts(doc) == V{"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"});
}

TEST_CASE("a data row on another colspan grid than its header maps cell for cell") {
  // Word's grid: 总计 spans two grid columns in the header and in the data
  // row, while the group label above splits them (行政复议 | 行政诉讼).
  const auto doc = read(
      "<table><tr><td colspan=5>行政复议</td><td colspan=3>行政诉讼</td></tr>"
      "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td colspan=2>总计</td>"
      "<td>结果维持</td><td>总计</td></tr>"
      "<tr><td>1</td><td>0</td><td>1</td><td>0</td><td colspan=2>2</td><td>1</td><td>1</td></tr></table>");
  const auto &t = *tables(doc).at(0);
  CHECK(row(t, 2) == V{"1", "0", "1", "0", "2", "1", "1"});
  for (const auto &c : t.rows[2].cells) CHECK(c.colspan == 1);
  CHECK(t.rows[0].cells[0].colspan == 5);
  CHECK(t.rows[0].cells[1].colspan == 2);
  CHECK(t.rows[1].cells[4].colspan == 1);
}

TEST_CASE("page clutter: the article is read, navigation, scripts and footers are not") {
  const auto doc = read(
      "<!DOCTYPE html><html><head><title>站点</title><style>td{}</style><script>var a='<table>';</script></head>"
      "<body><div class=nav><ul><li><a href=/>首页</a></li><li><a href=/zwgk>政务公开</a></li></ul></div>"
      "<table class=xxgk><tr><td>索引号：</td><td>11220/2021-00175</td></tr></table>"
      "<h1>2020年某某局政府信息公开工作年度报告</h1>"
      "<div class=main><div id=zoom>"
      "<p>一、总体情况</p><p>2020年，我局认真贯彻落实《条例》，主动公开政府信息518条，依申请公开工作规范有序。</p>"
      "<p>二、主动公开政府信息情况</p>"
      "<table><tr><td>信息内容</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>0</td></tr></table>"
      "<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p></div>"
      "<div class=related><h4>相关链接</h4><ul><li><a href=/1>2019年报告</a></li></ul></div></div>"
      "<div class=footer><p>主办单位：某某局 联系电话：0431-79548827</p><p><a href=/icp>吉ICP备08822300号</a></p></div>"
      "<script>document.write('<p>x</p>')</script></body></html>");
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  CHECK(row(*t[0], 1) == V{"规章", "0"});
  const auto x = texts(doc);
  REQUIRE(!x.empty());
  CHECK(x.front() == "2020年某某局政府信息公开工作年度报告");
  for (const auto &s : x) {
    CHECK(s.find("首页") == std::string::npos);
    CHECK(s.find("联系电话") == std::string::npos);
    CHECK(s.find("相关链接") == std::string::npos);
  }
}

TEST_CASE("layout tables around the article: the innermost tables are the data tables") {
  const auto doc = read(
      "<html><body><table width=1000><tr><td width=200><table><tr><td><a href=/>首页</a></td></tr>"
      "<tr><td><a href=/a>机构概况</a></td></tr></table></td>"
      "<td><table><tr><td>"
      "<p>2020年某某局政府信息公开工作年度报告</p><p>一、总体情况</p>"
      "<p>2020年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，政府信息公开工作取得了明显成效。</p>"
      "<table border=1><tr><td>信息内容</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>0</td></tr></table>"
      "</td></tr></table></td></tr></table></body></html>");
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  CHECK(row(*t[0], 0) == V{"信息内容", "本年新制作数量"});
  CHECK(texts(doc).at(0) == "2020年某某局政府信息公开工作年度报告");
}

TEST_CASE("charset: <meta> GBK/GB2312 decoded strictly, BOM, UTF-16, else UTF-8") {
  const std::string page =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head>"
      "<body><p>政府信息公开工作年度报告</p><table><tr><td>规章</td><td>0</td></tr></table></body></html>";
  CHECK(texts(read(encode("GBK", page))).at(0) == "政府信息公开工作年度报告");
  std::string decision;
  html::decode(encode("GBK", page), decision);
  CHECK(decision.find("gb2312") != std::string::npos);
  // Declared GBK but not GBK bytes: an error, never mojibake.
  std::string bad = encode("GBK", page);
  bad.insert(bad.find("</p>"), "\x81\x20");
  CHECK_THROWS_AS(read(bad), sdk::Error);
  CHECK_THROWS_WITH(read(encode("GBK", "<meta charset=\"x-unknown-cs\"><p>a</p>")), Catch::Contains("unknown"));
  // UTF-16 with BOM, whatever the <meta> says.
  const std::string utf16 = std::string("\xFF\xFE") + encode("UTF-16LE", page);
  CHECK(texts(read(utf16)).at(0) == "政府信息公开工作年度报告");
  // No declaration: UTF-8.
  const std::string plain = "<html><body><p>年度报告</p></body></html>";
  CHECK(texts(read(plain)).at(0) == "年度报告");
}

TEST_CASE("probe: pages yes, other kinds no") {
  CHECK(html::probe("<!DOCTYPE html><html>") >= 0.9);
  CHECK(html::probe("\xEF\xBB\xBF<!-- saved -->\n<html>") >= 0.9);
  CHECK(html::probe("<div><p>a</p><table><tr><td>1</td></tr></table></div>") >= 0.5);
  CHECK(html::probe("%PDF-1.4 <html>") == 0.0);
  CHECK(html::probe("一、总体情况\n\t规章\t0\n") == 0.0);
}

TEST_CASE("Word's HTML: MSO markup, o:p, conditional comments and spacer runs read like any page") {
  const std::string page =
      "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n"
      "<head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">\n"
      "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->\n"
      "<style><!-- p.MsoNormal {margin:0cm;} --></style></head>\n"
      "<body lang=ZH-CN><div class=WordSection1>\n"
      "<p class=MsoNormal align=center><b><span>2020年某某局政府信息公开工作年度报告<o:p></o:p></span></b></p>\n"
      "<table class=MsoNormalTable border=1 style='mso-table-layout-alt:fixed'>\n"
      " <tr><td width=142><p class=MsoNormal><span>信息内容<o:p></o:p></span></p></td>\n"
      "  <td><p class=MsoNormal><span>本年新<br></span>制作数量<o:p></o:p></p></td>\n"
      "  <td><p class=MsoNormal><![if !supportEmptyParas]>&nbsp;<![endif]><o:p></o:p></p></td></tr>\n"
      " <tr><td><p class=MsoNormal>规章</p></td><td><p><span>0<o:p></o:p></span></p></td>\n"
      "  <td><p><span style='mso-spacerun:yes'>&nbsp;</span><span>5</span></p></td></tr>\n"
      "</table></div></body></html>\n";
  const auto doc = read(encode("GBK", page));
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);
  CHECK(row(*t[0], 0) == V{"信息内容", "本年新\n制作数量", ""});
  CHECK(row(*t[0], 1) == V{"规章", "0", "5"});
  CHECK(texts(doc).at(0) == "2020年某某局政府信息公开工作年度报告");
  CHECK(t[0]->rows[1].cells[2].lines.first == 12);
}

TEST_CASE("prose in one container, tables of figures in a sibling: both are the article") {
  std::string prose;
  for (int i = 0; i < 12; ++i)
    prose += "<p>2020年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，不断完善政务公开制度建设。</p>";
  const auto doc = read(
      "<html><body><div class=nav><a href=/>首页</a></div>"
      "<table class=xxgk><tr><td>索引号：</td><td>11220/2021-00175</td></tr>"
      "<tr><td>发布日期：</td><td>2021-02-10</td></tr></table>"
      "<div class=content><div class=text><p>2020年某某局政府信息公开工作年度报告</p>" +
      prose +
      "</div><div class=tables><table><tr><td>信息内容</td><td>本年新制作数量</td></tr>"
      "<tr><td>规章</td><td>0</td></tr><tr><td>规范性文件</td><td>8</td></tr>"
      "<tr><td>行政许可</td><td>25</td></tr></table></div></div></body></html>");
  const auto t = tables(doc);
  REQUIRE(t.size() == 1);  // the figures, not the index table
  CHECK(row(*t[0], 3) == V{"行政许可", "25"});
  CHECK(texts(doc).at(0) == "2020年某某局政府信息公开工作年度报告");
}
