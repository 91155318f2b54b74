// The model is written as text in pugixml's layout (core/src/sdk/model.cpp): these
// tests hold that text to what pugixml itself writes, so that the bytes of a
// model do not depend on which of the two wrote it.
#include "model/model.hpp"

#include <catch2/catch.hpp>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <pugixml.hpp>
#include <random>
#include <sstream>

#include "templates/mapper.hpp"

using namespace docpipe;

namespace {

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void *data, size_t size) override { out.append(static_cast<const char *>(data), size); }
};

// What pugixml writes for the attribute a="s" and for the text of <e>s</e>.
std::pair<std::string, std::string> pugixml_escapes(const std::string &s) {
  auto save = [](const pugi::xml_document &d) {
    StringWriter w;
    d.save(w, "", pugi::format_raw | pugi::format_no_declaration);
    return w.out;
  };
  pugi::xml_document with_attr, with_text;
  with_attr.append_child("e").append_attribute("a") = s.c_str();
  with_text.append_child("e").text() = s.c_str();
  const std::string a = save(with_attr), t = save(with_text);  // <e a="..."/>, <e>...</e>
  return {a.substr(6, a.size() - 6 - 3), t.substr(3, t.size() - 3 - 4)};
}

std::pair<std::string, std::string> ours(const std::string &s) {
  std::string a, t;
  sdk::model::append_escaped_attribute(a, s);
  sdk::model::append_escaped_text(t, s);
  return {a, t};
}

const std::vector<templates::Template> &all_templates() {
  static const auto t = templates::load_templates(std::filesystem::path(DOCPIPE_SOURCE_DIR) / "formats/templates");
  return t;
}

}  // namespace

TEST_CASE("attribute and text escaping is pugixml's, for every ASCII character") {
  for (int c = 1; c < 128; ++c) {
    const std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    INFO("character " << c);
    CHECK(ours(s) == pugixml_escapes(s));
  }
}

TEST_CASE("attribute and text escaping is pugixml's for a special character at any offset of a long value") {
  // Long values are scanned eight bytes at a time: every offset of a block.
  for (int c = 1; c < 128; ++c)
    for (size_t at = 0; at < 24; ++at) {
      std::string s(24, 'x');
      s[at] = static_cast<char>(c);
      INFO("character " << c << " at " << at);
      CHECK(ours(s) == pugixml_escapes(s));
    }
}

TEST_CASE("attribute and text escaping is pugixml's on random mixed text") {
  const std::string pool[] = {"&",    "<",    ">", "\"", "'",  "\t", "\n", "\r",
                              "\x01", "\x1f", "a", " ",  "表", "（", "—",  "&amp;"};
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s += pool[rng() % std::size(pool)];
    INFO("text " << s);
    CHECK(ours(s) == pugixml_escapes(s));
  }
}

TEST_CASE("a written model is laid out exactly as pugixml lays out the same document") {
  // A 2021 table with awkward texts: markup characters and control
  // characters in cells, an unmapped row, a repeated row, a paragraph.
  sdk::RawDocument raw;
  raw.add_paragraph("2021年某局政府信息公开工作年度报告 & <附> \"表\"", {1, 1});
  auto &t = raw.add_table({2, 9});
  const std::vector<std::vector<std::string>> rows = {
      {"申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"},
      {"本年新收政府信息公开申请数量", "3", "1", "0", "0", "0", "0", "4"},
      {"上年结转政府信息公开申请数量", "", "", "", "", "", "", ""},
      {"（一）予以公开", "a<b", "&", "\x01", "\"", "", "", "5"},
      {"不在模板里的一行 <x>", "7"},
      {"本年新收政府信息公开申请数量", "9", "", "", "", "", "", ""}};
  int line = 2;
  for (const auto &r : rows) {
    auto &row = t.add_row({line, line});
    for (const auto &c : r) row.add_cell(c, {line, line});
    ++line;
  }
  const sdk::RawDocument body = sdk::model::read_body_xml(raw.to_xml());
  const auto report = engine::report_metadata(body);
  const auto mapping = templates::map_body(body, all_templates());
  const auto checks = templates::run_checks(mapping);
  const auto verdict = engine::judge(body, mapping, checks);
  const model::Provenance prov{"in/a&b.txt", "a&b.txt", "00ff", 123, "test", "1.0.0", 0.5};
  DecodedText text;
  text.encoding = "utf-8";
  text.line_endings = "lf";
  text.decision = "valid \"UTF-8\"";
  const std::string xml = sdk::model::to_xml(model::assemble(prov, text, report, body, mapping, checks, verdict));

  INFO(xml);
  REQUIRE_FALSE(mapping.unmapped.empty());
  REQUIRE_FALSE(verdict.ok());
  pugi::xml_document reread;
  REQUIRE(reread.load_buffer(xml.data(), xml.size(),
                             pugi::parse_default | pugi::parse_declaration | pugi::parse_ws_pcdata_single));
  StringWriter again;
  reread.save(again, "  ", pugi::format_default, pugi::encoding_utf8);
  CHECK(again.out == xml);
  const auto doc = reread.child("document");
  CHECK(std::string(doc.child("metadata").child("source").attribute("path").as_string()) == "in/a&b.txt");
  CHECK(std::string(doc.child("metadata").child("report").attribute("title").as_string()) ==
        "2021年某局政府信息公开工作年度报告&<附>\"表\"");
  CHECK(std::string(doc.child("verdict").attribute("status").as_string()) == "review");
  size_t records = 0;
  for (auto r : doc.child("records").children("record")) records += !r.attribute("id").empty();
  CHECK(records == mapping.records.size());
}
