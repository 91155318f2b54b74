// The schema and its fixtures, and the text outputs (xml, csv, values), run
// through the real plugin .so files.
#include <catch2/catch.hpp>
#include <thread>

#include "plugin_harness.hpp"

using namespace test;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

std::string schema() { return std::string(DOCPIPE_SOURCE_DIR) + "/formats/model.rng"; }

int xmllint(const std::string &file) {
  return std::system(("xmllint --noout --relaxng " + quote(schema()) + " " + quote(file) + " 2>/dev/null").c_str());
}

std::string crlf(const std::vector<std::string> &lines) {
  std::string out;
  for (const auto &l : lines) out += l + "\r\n";
  return out;
}

}  // namespace

TEST_CASE("fixtures validate against formats/model.rng, and the schema rejects an invalid model", "[schema]") {
  CHECK(xmllint(fixture("full_model.xml")) == 0);
  CHECK(xmllint(fixture("body_only.xml")) == 0);
  CHECK(xmllint(fixture("invalid_zero_rowspan.xml")) != 0);
  // ... and for that reason only: with a valid rowspan it validates.
  ScratchDir dir;
  std::string fixed = read_bytes(fixture("invalid_zero_rowspan.xml"));
  const std::string zero = "rowspan=\"0\">";  // the cell's, not the comment's
  REQUIRE(fixed.find(zero) != std::string::npos);
  fixed.replace(fixed.find(zero), zero.size(), "rowspan=\"2\">");
  std::ofstream(dir.path() / "fixed.xml", std::ios::binary) << fixed;
  CHECK(xmllint((dir.path() / "fixed.xml").string()) == 0);
  CHECK(xmllint(fixture("malformed_unclosed_cell.xml")) != 0);
}

TEST_CASE("the schema fixes model-version and types the attributes", "[schema]") {
  ScratchDir dir;
  const std::string model = read_bytes(fixture("full_model.xml"));
  auto validates_with = [&](const std::string &from, const std::string &to) {
    std::string m = model;
    const size_t at = m.find(from);
    REQUIRE(at != std::string::npos);
    m.replace(at, from.size(), to);
    const fs::path p = dir.path() / "variant.xml";
    std::ofstream(p, std::ios::binary) << m;
    return xmllint(p.string()) == 0;
  };
  CHECK_FALSE(validates_with("model-version=\"1.0\"", "model-version=\"2.0\""));
  CHECK_FALSE(validates_with("state=\"placeholder\"", "state=\"dash\""));
  CHECK_FALSE(validates_with("result=\"fail\"", "result=\"failed\""));
  CHECK_FALSE(validates_with("first-line=\"8\"", "first-line=\"0\""));
  CHECK_FALSE(validates_with("<verdict status=\"review\">", "<verdict status=\"maybe\">"));
  // Optional parts really are optional.
  CHECK(validates_with("<template id=\"ogi-2019\" title=\"国办公开办函〔2019〕60号\"/>", ""));
  CHECK(validates_with(" unit=\"元\"", ""));
}

TEST_CASE("every output plugin declares itself through the ABI", "[plugins]") {
  for (const std::string name : {"xml", "csv", "values", "xlsx"}) {
    INFO(name);
    const docpipe_plugin &p = plugin(name);
    CHECK(p.abi_major == DOCPIPE_ABI_MAJOR);
    CHECK(p.abi_minor <= DOCPIPE_ABI_MINOR);
    CHECK(p.struct_size == sizeof(docpipe_plugin));
    CHECK(p.kind == DOCPIPE_KIND_OUTPUT);
    CHECK(std::string(p.name) == name);
    CHECK(p.write != nullptr);
    CHECK(p.parse == nullptr);
  }
  CHECK(std::string(plugin("csv").options) == "bom,crlf");
  CHECK(std::string(plugin("values").options) == "bom,crlf");
}

TEST_CASE("a malformed model is bad input for every output, with pugixml's reason and offset", "[plugins]") {
  const std::string bad = read_bytes(fixture("malformed_unclosed_cell.xml"));
  for (const std::string name : {"xml", "csv", "values", "xlsx"}) {
    INFO(name);
    const Run r = run(name, bad);
    CHECK(r.status == DOCPIPE_ERR_INPUT);
    CHECK(r.error.find("malformed model XML") != std::string::npos);
    CHECK(r.error.find("at offset") != std::string::npos);
    CHECK(r.suffixes.empty());  // nothing was even started
  }
  const Run not_model = run("csv", "<html/>");
  CHECK(not_model.status == DOCPIPE_ERR_INPUT);
  CHECK(not_model.error.find("<html>") != std::string::npos);
}

TEST_CASE("xml writes the model as received, still valid", "[xml]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  const Run r = run("xml", model);
  REQUIRE(r.status == DOCPIPE_OK);
  REQUIRE(r.suffixes == std::vector<std::string>{".xml"});
  CHECK(r.files.at(".xml") == model);
  ScratchDir dir;
  const fs::path p = dir.path() / "out.xml";
  std::ofstream(p, std::ios::binary) << r.files.at(".xml");
  CHECK(xmllint(p.string()) == 0);
  CHECK(run("xml", model, {{"pretty", "true"}}).status == DOCPIPE_ERR_OPTION);
}

TEST_CASE("csv lays each body table out on its grid, BOM and CRLF by default", "[csv]") {
  const Run r = run("csv", read_bytes(fixture("full_model.xml")));
  REQUIRE(r.status == DOCPIPE_OK);
  REQUIRE(r.suffixes == std::vector<std::string>{".table-1.csv", ".table-2.csv"});
  // Spans leave their covered cells empty; quoting per RFC 4180; formula-like
  // text gets an apostrophe (= @ - TAB), signed numbers and "1,234" do not.
  CHECK(r.files.at(".table-1.csv") == kBom + crlf({
                                                 "信息内容,申请人情况,,,总计",
                                                 ",自然人,\"商业\n企业\",科研机构,",
                                                 "一、本年新收,12,,-2,\"1,234\"",
                                                 "（三）不予公开,+5,-0.5,１２,'=SUM(B3:B4)",
                                                 ",'@cmd,'-,\"a, \"\"quoted\"\"\nline\",0",
                                                 "合计,,,3.5,012",
                                                 "备注,'\ttab,,'-注,",
                                             }));
  CHECK(r.files.at(".table-2.csv") == kBom + crlf({"行政复议,行政诉讼,说明", "0,,无"}));
}

TEST_CASE("csv options turn the BOM and CRLF off, bad options are refused", "[csv]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  const Run r = run("csv", model, {{"bom", "false"}, {"crlf", "false"}});
  REQUIRE(r.status == DOCPIPE_OK);
  CHECK(r.files.at(".table-2.csv") == "行政复议,行政诉讼,说明\n0,,无\n");
  const Run bom_only = run("csv", model, {{"crlf", "false"}});
  CHECK(bom_only.files.at(".table-2.csv") == kBom + "行政复议,行政诉讼,说明\n0,,无\n");

  const Run typo = run("csv", model, {{"boom", "false"}});
  CHECK(typo.status == DOCPIPE_ERR_OPTION);
  CHECK(typo.error.find("boom") != std::string::npos);
  CHECK(run("csv", model, {{"bom", "maybe"}}).status == DOCPIPE_ERR_OPTION);
}

TEST_CASE("csv writes an empty table as an empty file and guards a lone sign", "[csv]") {
  const Run r = run("csv", read_bytes(fixture("body_only.xml")));
  REQUIRE(r.status == DOCPIPE_OK);
  CHECK(r.files.at(".table-1.csv") == kBom);
  CHECK(r.files.at(".table-2.csv") == kBom + crlf({"名称,数量", "'+,\"-1,234.5\""}));
}

TEST_CASE("output failures are reported as output errors", "[csv][values][xml]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  for (const std::string name : {"xml", "csv", "values"}) {
    INFO(name);
    const Run missing = run(name, model, {}, /*broken_dir=*/true);
    CHECK(missing.status == DOCPIPE_ERR_OUTPUT);
    CHECK(missing.error.find("cannot create") != std::string::npos);
    const Run refused = run(name, model, {}, false, /*refuse=*/true);
    CHECK(refused.status == DOCPIPE_ERR_OUTPUT);
    CHECK(refused.error.find("refused") != std::string::npos);
  }
}

TEST_CASE("values writes one tidy line per record, text guarded against formulas", "[values]") {
  const Run r = run("values", read_bytes(fixture("full_model.xml")));
  REQUIRE(r.status == DOCPIPE_OK);
  REQUIRE(r.suffixes == std::vector<std::string>{".values.csv"});
  const std::string &csv = r.files.at(".values.csv");
  REQUIRE(csv.substr(0, 3) == kBom);
  std::vector<std::string> lines = split(csv.substr(3), "\r\n");
  REQUIRE(lines.back().empty());  // the file ends with CRLF
  lines.pop_back();
  REQUIRE(lines.size() == 1 + 37);
  CHECK(lines[0] == "file,template,table,row,column,value,state,number,unit,source_line,placement,verdict");
  CHECK(lines[1] ==
        "000.txt,ogi-2019,主动公开政府信息情况,第二十条第（一）项/规章,本年新制作数量,3,number,3,,60,direct,review");
  CHECK(lines[2] ==
        "000.txt,ogi-2019,主动公开政府信息情况,第二十条第（一）项/规章,本年新公开数量,,blank,,,61,direct,review");
  // "-2" is a number: no apostrophe; the placeholder "-" is text and guarded
  // as in every CSV of the project (issue 14, D6).
  CHECK(lines[5] ==
        "000.txt,ogi-2019,主动公开政府信息情况,第二十条第（五）项/行政许可,本年增/减,-2,number,-2,,65,direct,review");
  CHECK(lines[6] ==
        "000.txt,ogi-2019,主动公开政府信息情况,第二十条第（五）项/"
        "行政许可,处理决定数量,'-,placeholder,,,66,aligned,review");
  CHECK(lines[7] ==
        "000.txt,ogi-2019,主动公开政府信息情况,第二十条第（九）项/"
        "政府集中采购,采购项目数量,\"1,234\",number,1234,,68,direct,review");
  CHECK(lines[8] ==
        "000.txt,ogi-2019,主动公开政府信息情况,第二十条第（九）项/"
        "政府集中采购,采购总金额,251000元,number,251000,元,69,direct,review");
  CHECK(lines[13] ==
        "000.txt,ogi-2019,收到和处理政府信息公开申请情况,三、本年度办理结果/"
        "（一）予以公开,自然人,+5,number,5,,25,direct,review");
  // An absent cell has no source line.
  CHECK(lines[18] ==
        "000.txt,ogi-2019,收到和处理政府信息公开申请情况,三、本年度办理结果/（三）不予公开/"
        "1.属于国家秘密,法人或其他组织/商业企业,,blank,,,,absent,review");
  // Table 3 has the empty row path; a formula-like value is quoted (comma,
  // quotes) and guarded.
  CHECK(lines[33] ==
        "000.txt,ogi-2019,政府信息公开行政复议、行政诉讼情况,,行政复议/结果维持,1,number,1,,47,direct,review");
  CHECK(lines[37] ==
        "000.txt,ogi-2019,政府信息公开行政复议、行政诉讼情况,,行政诉讼/复议后起诉/总计,"
        "\"'=1+1, \"\"见说明\"\"\",text,,,49,direct,review");
}

// Issue 14, D6: the `file` column is text from outside (a file name can start
// with "="); both the one-pass scan and the pugixml path guard it.
TEST_CASE("values guards a formula-like file name on both paths", "[values]") {
  std::string model = read_bytes(fixture("full_model.xml"));
  const std::string from = "name=\"000.txt\"";
  REQUIRE(model.find(from) != std::string::npos);
  model.replace(model.find(from), from.size(), "name=\"=HYPERLINK(&quot;http://x&quot;).txt\"");
  const Run fast = run("values", model);
  REQUIRE(fast.status == DOCPIPE_OK);
  const std::string want = "\"'=HYPERLINK(\"\"http://x\"\").txt\",ogi-2019,";
  std::vector<std::string> lines = split(fast.files.at(".values.csv").substr(3), "\r\n");
  CHECK(lines[1].rfind(want, 0) == 0);
  // A comment is outside the scan's subset: the model goes to pugixml.
  std::string slow_model = model;
  slow_model.insert(slow_model.find("<metadata"), "<!-- slow path -->");
  const Run slow = run("values", slow_model);
  REQUIRE(slow.status == DOCPIPE_OK);
  CHECK(split(slow.files.at(".values.csv").substr(3), "\r\n")[1].rfind(want, 0) == 0);
  CHECK(slow.files.at(".values.csv") == fast.files.at(".values.csv"));
}

TEST_CASE("values without a template is just the header, options as for csv", "[values]") {
  const Run r = run("values", read_bytes(fixture("body_only.xml")), {{"bom", "false"}, {"crlf", "false"}});
  REQUIRE(r.status == DOCPIPE_OK);
  CHECK(r.files.at(".values.csv") ==
        "file,template,table,row,column,value,state,number,unit,source_line,placement,verdict\n");
  CHECK(run("values", read_bytes(fixture("body_only.xml")), {{"guard", "true"}}).status == DOCPIPE_ERR_OPTION);
}

TEST_CASE("text outputs give the same bytes when called from several threads at once", "[csv][values]") {
  const std::string model = read_bytes(fixture("full_model.xml"));
  const Run csv = run("csv", model), values = run("values", model);
  std::vector<Run> runs(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < runs.size(); ++i) {
    threads.emplace_back([&, i] { runs[i] = run(i % 2 ? "csv" : "values", model); });
  }
  for (auto &t : threads) t.join();
  for (size_t i = 0; i < runs.size(); ++i) CHECK(runs[i].files == (i % 2 ? csv : values).files);
}
