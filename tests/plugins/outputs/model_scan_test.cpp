// The values, xml and csv outputs check most models with a DOM-free scan
// (support/scan.hpp) and hand anything outside its subset to pugixml (csv
// then parses only the body). These
// tests pin that the two ways give the same bytes and the same errors: every
// model the scan takes, pugixml takes too, with the same attribute values.
#include <catch2/catch.hpp>
#include <docpipe/sdk/text.hpp>
#include <random>

#include "plugin_harness.hpp"
#include "support/model.hpp"
#include "support/scan.hpp"

using namespace test;

namespace {

constexpr unsigned kValuesParse = pugi::parse_minimal | pugi::parse_escapes | pugi::parse_wconv_attribute;

std::string replace_all(std::string s, const std::string &from, const std::string &to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string replace_first(std::string s, const std::string &from, const std::string &to) {
  const size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// The fixtures' leading comments would send every test to pugixml.
std::string without_comments(std::string s) {
  for (size_t at; (at = s.find("<!--")) != std::string::npos;) s.erase(at, s.find("-->", at) + 3 - at);
  return s;
}

// A comment inside the root: the scan refuses it, pugixml skips it.
std::string via_pugixml(const std::string &model) {
  std::string s = model;
  const size_t root = s.find("<document");
  REQUIRE(root != std::string::npos);
  return s.insert(s.find('>', root) + 1, "<!-- to pugixml -->");
}

bool scanned(const std::string &model) {
  docpipe::outputs::ScanNothing none;
  return docpipe::outputs::scan_model(model, none);
}

// What load_model says of the model: "" when it takes it.
std::string load_error(const std::string &model, unsigned options) {
  pugi::xml_document doc;
  try {
    docpipe::outputs::load_model(doc, model, options);
    return "";
  } catch (const docpipe::sdk::Error &e) {
    return e.what();
  }
}

// The plugins refuse exactly what load_model refuses with their options,
// with its message, and the scan never takes what it refuses.
// What pugixml accepts may still hold bytes that are not UTF-8 (a byte of a
// Chinese character cut away): an output refuses to write those (issue 14,
// D2), naming the byte, whether or not it was refused as XML before.
void check_output(const Run &run, const std::string &model, const std::string &pugixml_error) {
  if (!pugixml_error.empty() || docpipe::sdk::is_utf8(model)) {
    CHECK(run.status == (pugixml_error.empty() ? DOCPIPE_OK : DOCPIPE_ERR_INPUT));
    CHECK(run.error == pugixml_error);
  } else if (run.status != DOCPIPE_OK) {
    CHECK(run.status == DOCPIPE_ERR_INPUT);
    CHECK(run.error.find("not valid UTF-8 at byte") != std::string::npos);
  }
}

void check_same_verdict(const std::string &model) {
  const std::string minimal = load_error(model, pugi::parse_minimal);
  const std::string values = load_error(model, kValuesParse);
  if (scanned(model)) {
    CHECK(minimal.empty());
    CHECK(values.empty());
  }
  const Run xml = run("xml", model);
  check_output(xml, model, minimal);
  if (minimal.empty() && !docpipe::sdk::is_utf8(model)) CHECK(xml.status == DOCPIPE_ERR_INPUT);
  check_output(run("values", model), model, values);
  const std::string all = load_error(model, pugi::parse_default);
  if (scanned(model)) CHECK(all.empty());
  check_output(run("csv", model), model, all);
}

}  // namespace

TEST_CASE("the model scan takes the xml fixtures once their comments are gone", "[values][xml]") {
  for (const char *name : {"full_model.xml", "body_only.xml"}) {
    INFO(name);
    const std::string model = read_bytes(fixture(name));
    CHECK_FALSE(scanned(model));
    CHECK(scanned(without_comments(model)));
    CHECK_FALSE(scanned(via_pugixml(without_comments(model))));
  }
}

TEST_CASE("values and csv give the same bytes with the scan as with pugixml", "[values][csv]") {
  const std::string base = without_comments(read_bytes(fixture("full_model.xml")));
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"as is", base},
      {"entities", replace_first(base, "value=\"3\"",
                                 "value=\"a&amp;b&lt;c&gt;d&quot;e&apos;f&#10;g&#x4E2d;h&#20013;i&#128512;j&#13;\"")},
      {"raw whitespace", replace_first(base, "value=\"3\"", "value=\"x\ty\r\nz\nw\rv \r\r\nu\"")},
      {"entities the scan leaves to pugixml",
       replace_first(base, "value=\"3\"", "value=\"&foo;&#0;&#x;&#X41;&am&#1114112;&#99999999999;&\"")},
      {"quotes and spaces", replace_all(base, " state=\"number\"", "\n   state = 'number'\t")},
      {"a repeated attribute", replace_first(base, "first-line=\"60\"", "first-line=\"60\" value=\"again\" ")},
      {"CRLF", replace_all(base, "\n", "\r\n")},
      {"file and verdict to quote", replace_first(replace_first(base, "name=\"000.txt\"", "name=\"a,&quot;b&quot;\""),
                                                  "<verdict status=\"review\"", "<verdict status=\"re&#10;view\"")},
      {"no declaration, root only", "<document model-version='1.5'/>"},
      {"nested records ignored", replace_first(base, "<records>", "<records><x><record value=\"inner\"/></x>")},
      {"cell text with entities, CR LF and blanks",
       replace_first(replace_first(base, ">自然人<", ">a&amp;b&#13;&#10;c\r\nd&lt;<"), ">科研机构<", ">  \r\n <")},
      {"a cell with markup inside", replace_first(base, ">自然人<", "><b>x</b>自然<i/>人<")},
      {"no body", "<document model-version=\"1.0\"><metadata/></document>"},
      {"a second body ignored",
       replace_first(base, "</document>", "<body><table><row><cell>late</cell></row></table></body></document>")},
      {"a second records and template ignored",
       replace_first(base, "</document>",
                     "<records><record value=\"late\"/></records><template id=\"late\"/></document>")},
  };
  for (const auto &[what, model] : variants) {
    INFO(what);
    const Run fast = run("values", model);
    const Run slow = run("values", via_pugixml(model));
    REQUIRE(fast.status == DOCPIPE_OK);
    REQUIRE(slow.status == DOCPIPE_OK);
    CHECK(fast.files == slow.files);
    CHECK(run("csv", model).files == run("csv", via_pugixml(model)).files);
    const Run fast_lf = run("values", model, {{"crlf", "false"}, {"bom", "false"}});
    CHECK(fast_lf.files == run("values", via_pugixml(model), {{"crlf", "false"}, {"bom", "false"}}).files);
  }
  // The decoded line itself.
  const Run r = run("values", variants[1].second);
  CHECK(r.files.at(".values.csv").find(",\"a&b<c>d\"\"e'f\ng中h中i\xF0\x9F\x98\x80j\r\",number,") != std::string::npos);
}

TEST_CASE("xml, values and csv refuse what pugixml refuses, with its message", "[values][xml][csv]") {
  const std::string base = without_comments(read_bytes(fixture("body_only.xml")));
  const std::vector<std::string> cases = {
      "",
      " ",
      "<document model-version=\"1.0\">",
      "<document model-version=\"1.0\"></documen>",
      "<document model-version=\"1.0\"></document >  \n",
      "<document model-version=\"1.0\"></document><document model-version=\"1.0\"/>",
      "<document model-version=\"1.0\"/>text",
      "text<document model-version=\"1.0\"/>",
      "<document model-version=\"2.0\"/>",
      "<document model-version=\"1\"/>",
      "<document/>",
      "<document model-version=\"&#49;.0\"/>",
      "<html/>",
      "\xEF\xBB\xBF<document model-version=\"1.0\"/>",
      "<document model-version=\"1.0\" a=\"1\"b=\"2\"/>",
      "<document model-version=\"1.0\" a=1/>",
      "<document model-version=\"1.0\" a/>",
      "<document model-version=\"1.0\" a=\"<\"/>",
      "<document model-version=\"1.0\" model-version=\"2\"/>",
      "<document model-version=\"2\" model-version=\"1.0\"/>",
      "<document model-version=\"1.0\"><a><b></a></b></document>",
      "<document model-version=\"1.0\"><a/ ></document>",
      "<document model-version=\"1.0\"><名 x=\"1\"/></document>",
      "<document model-version=\"1.0\"><a>x > y & z</a></document>",
      std::string("<document model-version=\"1.0\"><a>\0</a></document>", 49),
      "<?xml version=\"1.0\"?>",
      "<?xml version=\"1.0\"?><document model-version=\"1.0\"/>",
      "<?xml version=\"1.0\"<document model-version=\"1.0\"/>",
      "<?xml-stylesheet href=\"a\"?><document model-version=\"1.0\"/>",
      "<!DOCTYPE document><document model-version=\"1.0\"/>",
      "<document model-version=\"1.0\"><![CDATA[x]]></document>",
      "<document model-version=\"1.0\"><!-- x --></document>",
      "<document model-version=\"1.0\"><!-- x </document>",
  };
  for (const std::string &model : cases) {
    INFO(model);
    check_same_verdict(model);
  }
  // Every prefix of a small model, and every one-byte deletion.
  for (size_t n = 0; n <= base.size(); ++n) {
    INFO("prefix " << n);
    check_same_verdict(base.substr(0, n));
  }
  for (size_t at = 0; at < base.size(); ++at) {
    INFO("without byte " << at);
    check_same_verdict(std::string(base).erase(at, 1));
  }
  // Markup bytes dropped in at random places.
  std::mt19937 rng(20240601);
  const std::string markup = "<>/=\"' \t\r\n&;?!-:x\0";
  for (int i = 0; i < 2000; ++i) {
    std::string model = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (model.size() + 1);
      const char c = markup[rng() % (markup.size() + 1)];  // the +1 is the NUL
      if (rng() % 2)
        model.insert(at, 1, c);
      else if (at < model.size())
        model[at] = c;
    }
    INFO(model);
    check_same_verdict(model);
  }
}
