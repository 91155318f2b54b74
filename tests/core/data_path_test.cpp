// The data path of one report (issue 18, docs/model.md): the input plugin's
// body is filled in place (ABI 1.4 parse_typed) or, from a plugin built
// otherwise, parsed once from its XML; the typed model goes to the output plugins (xml, csv,
// values, xlsx) as it is, and the model's XML is written once, by the xml
// output. Counted with the SDK's own counters (sdk::model::counts), which
// every plugin shares: they all call the one loaded SDK library. Also: the
// written model is valid against formats/model.rng, and the SDK's reader and
// writer give it back byte for byte.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <docpipe/sdk/model.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "decode/decode.hpp"
#include "engine/engine.hpp"
#include "templates/hints.hpp"

namespace fs = std::filesystem;

namespace {

const docpipe::Engine &engine() {
  static const docpipe::Engine e(docpipe::EngineConfig{{fs::path(DOCPIPE_BUILD_DIR) / "lib/docpipe/plugins"},
                                                       fs::path(DOCPIPE_SOURCE_DIR) / "formats"});
  return e;
}

std::vector<fs::path> seeds() {
  std::vector<fs::path> out;
  for (const auto &e : fs::directory_iterator(fs::path(DOCPIPE_TEST_DIR) / "e2e/seeds"))
    if (e.path().extension() == ".txt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

struct Scratch {
  fs::path dir;
  Scratch() {
    std::string t = (fs::temp_directory_path() / "docpipe-data-path-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    dir = t;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

docpipe::sdk::model::Counts since(const docpipe::sdk::model::Counts &before) {
  const auto now = docpipe::sdk::model::counts();
  return {now.documents_read - before.documents_read, now.bodies_read - before.bodies_read,
          now.documents_written - before.documents_written};
}

}  // namespace

TEST_CASE("convert parses no body from an SDK plugin and writes the model once, for the outputs of the typed model") {
  const fs::path input = seeds().front();
  Scratch out;
  docpipe::OutputRequest req;
  req.plugins = {"xml", "csv", "values"};
  const auto before = docpipe::sdk::model::counts();
  const docpipe::ConvertOutcome o = engine().convert(input, input.filename().string(), "", out.dir, req);
  REQUIRE(o.ok);
  const auto n = since(before);
  CHECK(n.bodies_read == 0);        // the input plugin filled the typed body: no <body> XML
  CHECK(n.documents_read == 0);     // no output plugin parses the model
  CHECK(n.documents_written == 1);  // the xml output's file
  CHECK(fs::exists(out.dir / (input.stem().string() + ".xml")));
  CHECK(fs::exists(out.dir / (input.stem().string() + ".values.csv")));

  // Without the xml output nothing is serialised at all.
  Scratch out2;
  req.plugins = {"csv", "values"};
  const auto before2 = docpipe::sdk::model::counts();
  REQUIRE(engine().convert(input, input.filename().string(), "", out2.dir, req).ok);
  const auto n2 = since(before2);
  CHECK(n2.bodies_read == 0);
  CHECK(n2.documents_read == 0);
  CHECK(n2.documents_written == 0);
}

TEST_CASE("the xlsx output takes the typed model: nothing written or parsed for it") {
  if (engine().plugins().find("xlsx", DOCPIPE_KIND_OUTPUT) == nullptr) return;
  const fs::path input = seeds().front();
  const std::string stem = input.stem().string();
  Scratch out;
  docpipe::OutputRequest req;
  req.plugins = {"xlsx", "csv", "values"};
  const auto before = docpipe::sdk::model::counts();
  REQUIRE(engine().convert(input, input.filename().string(), "", out.dir, req).ok);
  const auto n = since(before);
  CHECK(n.bodies_read == 0);
  CHECK(n.documents_read == 0);     // xlsx parses nothing
  CHECK(n.documents_written == 0);  // and no XML is written for it
  CHECK(fs::file_size(out.dir / (stem + ".xlsx")) > 0);

  // A default convert (every output): the model is written once, for the
  // xml output's file, and parsed by none.
  Scratch all;
  const auto before_all = docpipe::sdk::model::counts();
  REQUIRE(engine().convert(input, input.filename().string(), "", all.dir, docpipe::OutputRequest{}).ok);
  const auto m = since(before_all);
  CHECK(m.bodies_read == 0);
  CHECK(m.documents_read == 0);
  CHECK(m.documents_written == 1);
  CHECK(fs::exists(all.dir / (stem + ".xlsx")));
  CHECK(fs::exists(all.dir / (stem + ".xml")));
}

TEST_CASE("an input plugin's typed body is the body its XML gives, for every reader and every sample") {
  // The two entries of one parse (abi.h: parse_typed, and parse_hinted or
  // parse for a reader without hints) on every
  // text the tests hold, each reader on every text (a reader that refuses a
  // text refuses it both ways, with the same status and reason).
  const auto templates = docpipe::templates::load_templates(fs::path(DOCPIPE_SOURCE_DIR) / "formats/templates");
  const std::string hints = docpipe::templates::shape_hints_xml(templates);
  std::vector<fs::path> inputs = seeds();
  for (const auto &e : fs::recursive_directory_iterator(fs::path(DOCPIPE_TEST_DIR) / "e2e/fixtures"))
    if (e.is_regular_file() && e.path().extension() == ".txt") inputs.push_back(e.path());
  REQUIRE(inputs.size() > 10);
  const auto readers = engine().plugins().of_kind(DOCPIPE_KIND_INPUT);
  REQUIRE(readers.size() >= 4);
  size_t compared = 0;
  for (const fs::path &input : inputs) {
    std::ifstream in(input, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string text = docpipe::decode_text(bytes).text;
    for (const docpipe::PluginInfo *p : readers) {
      INFO(input.string() << " read by " << p->name());
      REQUIRE(p->api->parse_typed != nullptr);
      const std::string &data = p->api->input_form == DOCPIPE_INPUT_BYTES ? bytes : text;
      std::string xml, xml_error, typed_error;
      const docpipe_sink sink{&xml, [](void *ctx, const char *d, size_t n) {
                                static_cast<std::string *>(ctx)->append(d, n);
                                return 0;
                              }};
      auto error_sink = [](std::string &into) {
        return docpipe_error_sink{&into, [](void *ctx, const char *m) { *static_cast<std::string *>(ctx) += m; }};
      };
      const docpipe_error_sink xml_errs = error_sink(xml_error), typed_errs = error_sink(typed_error);
      const int xml_status =
          p->api->parse_hinted != nullptr
              ? p->api->parse_hinted(data.data(), data.size(), nullptr, hints.data(), hints.size(), &sink, &xml_errs)
              : p->api->parse(data.data(), data.size(), nullptr, &sink, &xml_errs);
      docpipe::sdk::RawDocument typed;
      const int typed_status =
          p->api->parse_typed(data.data(), data.size(), nullptr, hints.data(), hints.size(), &typed, &typed_errs);
      REQUIRE(typed_status == xml_status);
      CHECK(typed_error == xml_error);
      if (xml_status != DOCPIPE_OK) continue;
      CHECK(docpipe::sdk::model::body_text_fault(typed).empty());
      // The same XML from both, and that XML reads back to itself: the
      // typed body holds exactly what the XML route gives the core.
      CHECK(typed.to_xml() == xml);
      CHECK(docpipe::sdk::model::read_body_xml(xml).to_xml() == xml);
      ++compared;
    }
  }
  CHECK(compared >= inputs.size());
}

TEST_CASE("a typed body with text no model can hold is named with its place") {
  using docpipe::sdk::model::body_text_fault;
  docpipe::sdk::RawDocument body;
  body.add_paragraph("标题", {1, 1});
  docpipe::sdk::Table &t = body.add_table({2, 3});
  t.add_row({3, 3}).add_cell("12", {3, 3});
  CHECK(body_text_fault(body).empty());
  t.rows[0].add_cell(std::string("1\xff"
                                 "2"),
                     {3, 3});
  CHECK(body_text_fault(body) == "invalid UTF-8 at byte 1 of the text of a cell, lines 3-3");
  t.rows[0].cells[1].text = std::string("ab\0c", 4);
  CHECK(body_text_fault(body) == "a NUL character at byte 2 of the text of a cell, lines 3-3");
  t.rows[0].cells[1].text = "ok";
  body.diagnose(docpipe::sdk::Severity::warning, 7, "bad", std::string("\xc3"));
  CHECK(body_text_fault(body) == "invalid UTF-8 at byte 0 of the text of a diagnostic, lines 7-7");
}

TEST_CASE("a plugin whose model layout is not the host's gets the XML, never the typed model") {
  const docpipe::Engine with_probe(
      docpipe::EngineConfig{{DOCPIPE_TEST_LAYOUT_PLUGIN_DIR, fs::path(DOCPIPE_BUILD_DIR) / "lib/docpipe/plugins"},
                            fs::path(DOCPIPE_SOURCE_DIR) / "formats"});
  const docpipe::PluginInfo *probe = with_probe.plugins().find("layout-probe", DOCPIPE_KIND_OUTPUT);
  REQUIRE(probe != nullptr);
  REQUIRE(probe->api->write_typed != nullptr);  // it has the typed entry, but for another layout
  const fs::path input = seeds().front();
  const docpipe::BuiltModel built = with_probe.build(input, input.filename().string(), "");
  Scratch out;
  docpipe::OutputRequest req;
  req.plugins = {"layout-probe"};
  const auto files = with_probe.write_outputs(built.document, out.dir, "r", req);
  REQUIRE(files.size() == 1);
  CHECK(files[0].filename() == "r.xml-path");
  std::ifstream in(files[0], std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(got == docpipe::sdk::model::to_xml(built.document));
}

TEST_CASE("the model of every sample report is valid against formats/model.rng and reads back byte for byte") {
  Scratch dir;
  for (const fs::path &input : seeds()) {
    INFO(input.string());
    const docpipe::BuiltModel built = engine().build(input, input.filename().string(), "");
    const std::string xml = docpipe::sdk::model::to_xml(built.document);
    CHECK(docpipe::sdk::model::to_xml(docpipe::sdk::model::read_xml(xml)) == xml);
    const fs::path file = dir.dir / (input.stem().string() + ".xml");
    std::ofstream(file, std::ios::binary) << xml;
    const std::string cmd = "xmllint --noout --relaxng '" + std::string(DOCPIPE_SOURCE_DIR) + "/formats/model.rng' '" +
                            file.string() + "' 2>/dev/null";
    CHECK(std::system(cmd.c_str()) == 0);
  }
}

TEST_CASE("the SDK reader refuses what is not a model, with the reason") {
  using docpipe::sdk::model::ModelError;
  using docpipe::sdk::model::read_xml;
  CHECK_THROWS_WITH(read_xml("<document model-version=\"1.0\"><body>"),
                    Catch::Contains("malformed model XML") && Catch::Contains("at offset"));
  CHECK_THROWS_WITH(read_xml("<html/>"), Catch::Contains("root element is <html>"));
  CHECK_THROWS_WITH(read_xml("<document model-version=\"2.0\"/>"), Catch::Contains("unsupported model-version"));
  CHECK_THROWS_AS(docpipe::sdk::model::read_body_xml("<body/><body/>"), ModelError);
}

TEST_CASE("the typed model keeps what the XML says: spans, headers, lines, records, checks and verdict") {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<document model-version="1.0">
  <metadata>
    <source path="a.txt" name="a.txt" sha256="00" bytes="12" />
    <encoding name="utf-8" bom="false" line-endings="lf" decision="valid" />
    <input plugin="p" version="1" confidence="0.50" />
    <report title="t" year="2020" />
    <producer name="docpipe" version="x" />
  </metadata>
  <body>
    <table first-line="2" last-line="3">
      <row first-line="2" last-line="2">
        <cell first-line="2" last-line="2" rowspan="2" colspan="3" header="true" column="1">规章 &amp; &lt;x&gt;</cell>
        <cell first-line="2" last-line="2" />
      </row>
    </table>
    <diagnostic severity="warning" line="3" code="ragged-row" doubt="true">short</diagnostic>
  </body>
  <records>
    <record id="c1" table="T" row="a/b" column="c" value="-2" state="number" number="-2" placement="direct" first-line="2" last-line="2" />
    <record id="c2" table="T" row="a/b" column="d" value="" state="blank" placement="absent" />
  </records>
  <unmapped />
  <checks>
    <check identity="sum" table="T" row="a/b" column="" result="fail" expected="1" actual="-2" tie-break="false" expected-cells="c2" actual-cells="c1" />
  </checks>
  <verdict status="review">
    <reason code="failed-identity">1 accounting identities fail</reason>
  </verdict>
  <diagnostics />
</document>
)";
  const auto doc = docpipe::sdk::model::read_xml(xml);
  REQUIRE(doc.body.blocks().size() == 1);
  const docpipe::sdk::Cell &c = doc.body.blocks()[0].table.rows[0].cells[0];
  CHECK(c.text == "规章 & <x>");
  CHECK(c.rowspan == 2);
  CHECK(c.colspan == 3);
  CHECK(c.header);
  CHECK(c.column == 1);
  CHECK(doc.body.blocks()[0].table.rows[0].cells[1].text.empty());
  REQUIRE(doc.body.diagnostics().size() == 1);
  CHECK(doc.body.diagnostics()[0].doubt);
  REQUIRE(doc.records.size() == 2);
  CHECK(doc.records[0].number == "-2");
  CHECK(doc.records[0].lines.first == 2);
  CHECK(doc.records[1].placement == docpipe::sdk::model::Placement::absent);
  CHECK(doc.records[1].lines.first == 0);
  REQUIRE(doc.checks.size() == 1);
  CHECK(doc.checks[0].expected_cells == std::vector<size_t>{1});
  CHECK(doc.checks[0].actual_cells == std::vector<size_t>{0});
  CHECK_FALSE(doc.verdict.ok);
  CHECK(doc.metadata.report.year == "2020");
  CHECK(docpipe::sdk::model::to_xml(doc) == xml);  // this document is in the writer's layout
}
