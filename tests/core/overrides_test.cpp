// The overrides file (templates/overrides.hpp) against the real templates:
// its CSV with the line of each record, the header, the checks that name a
// line, the loose label match, and the corrections put on a mapping.
#include "templates/overrides.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "error.hpp"
#include "templates/mapper.hpp"

namespace fs = std::filesystem;
using namespace docpipe;
using namespace docpipe::templates;

namespace {

const std::vector<Template> &all_templates() {
  static const std::vector<Template> t = load_templates(fs::path(DOCPIPE_SOURCE_DIR) / "formats" / "templates");
  return t;
}

fs::path write(const std::string &name, const std::string &text) {
  const fs::path dir = fs::temp_directory_path() / ("docpipe-overrides-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

std::string error_of(const std::string &text) {
  try {
    Overrides::load({write("bad.csv", text)}, all_templates());
  } catch (const Error &e) {
    CHECK(e.code() == ExitCode::config);
    return e.what();
  }
  return "";
}

const std::string T = "收到和处理政府信息公开申请情况", R = "一、本年新收政府信息公开申请数量";

}  // namespace

TEST_CASE("overrides: rows, header in any order, BOM, quoted line breaks, formula guard undone") {
  const fs::path f = write("ok.csv",
                           "\xEF\xBB\xBFnote,file,table,row,column,value\r\n"
                           "\"two\nlines\",a/r.txt," +
                               T + "," + R +
                               ",自然人,'-\r\n"
                               "ok,a/r.txt," +
                               T + "," + R + ",总计,12\r\n");
  const Overrides o = Overrides::load({f}, all_templates());
  REQUIRE(o.items().size() == 2);
  CHECK(o.items()[0].note == "two\nlines");
  CHECK(o.items()[0].value == "-");  // "'-" as the project's CSVs guard it
  CHECK(o.items()[0].origin == f.string() + ":2");
  CHECK(o.items()[1].origin == f.string() + ":4");  // the quoted line break counts
  CHECK(o.for_file("a/r.txt").size() == 2);
  CHECK(o.for_file("r.txt").empty());
  CHECK(o.digest("a/r.txt") != o.digest("b.txt"));
  CHECK(o.digest("b.txt").empty());
}

TEST_CASE("overrides: bad rows are refused naming the file and line") {
  CHECK_THAT(error_of("file,table,row,column,value\n"), Catch::Contains("bad.csv:1: the header has no column 'note'"));
  CHECK_THAT(error_of(""), Catch::Contains("bad.csv: empty"));
  CHECK_THAT(error_of("file,table,row,column,value,note\nr.txt," + T + "," + R + ",自然人x,1,\n"),
             Catch::Contains("bad.csv:2: table " + T + " has no column '自然人x'"));
  CHECK_THAT(error_of("file,table,row,column,value,note\nr.txt," + T + ",没有的行,自然人,1,\n"),
             Catch::Contains("bad.csv:2: table " + T + " has no row '没有的行'"));
  CHECK_THAT(error_of("file,table,row,column,value,note\n\nr.txt,没有的表," + R + ",自然人,1,\n"),
             Catch::Contains("bad.csv:3: no template has a table '没有的表'"));
  CHECK_THAT(error_of("file,table,row,column,value,note\nr.txt," + T + "," + R + ",自然人,1,\nr.txt," + T + "," + R +
                      ",自然人,2,\n"),
             Catch::Contains("bad.csv:3: the same cell as line 2"));
  CHECK_THAT(error_of("file,table,row,column,value,note\nr.txt,\"" + T + "," + R + ",自然人,1,\n"),
             Catch::Contains("bad.csv:2: a quote is never closed"));
  CHECK_THAT(error_of("file,table,row,column,value,note\nr.txt," + T + "\n"), Catch::Contains("bad.csv:2: 2 fields"));
  CHECK_THAT(error_of("file,table,row,column,value,note\n," + T + "," + R + ",自然人,1,\n"),
             Catch::Contains("bad.csv:2: no file"));
  CHECK_THAT(error_of("file,table,row,column,value,note\nr.txt,\xC4\xEA," + R + ",自然人,1,\n"),
             Catch::Contains("not UTF-8"));
}

TEST_CASE("overrides: a later file wins, labels match as the template stage compares them") {
  const fs::path a = write("a.csv", "file,table,row,column,value,note\nr.txt," + T + "," + R + ",自然人,1,first\n");
  // Spaces and full-width brackets in the labels, and the table's id.
  const fs::path b = write("b.csv", "file,table,row,column,value,note\nr.txt," + T + "," + R +
                                        ",自然人,2,second\n"
                                        "r.txt,requests,三、本年度办理结果 / (一) 予以公开,自然人,3,loose\n");
  const Overrides o = Overrides::load({a, b}, all_templates());
  REQUIRE(o.items().size() == 2);
  CHECK(o.items()[0].value == "2");
  CHECK(o.items()[0].origin == b.string() + ":2");
}

TEST_CASE("overrides: put on a mapping before the checks, with the value read, a cell the report lacks is a doubt") {
  const Template &t = all_templates().front();
  // A mapping with the first table seen and its records, as the mapper leaves it.
  Mapping m;
  m.tmpl = &t;
  for (size_t ti = 0; ti < t.tables.size(); ++ti) m.tables.push_back(&t.tables[ti]);
  m.table_seen.assign(t.tables.size(), false);
  size_t ti = 0;
  for (; ti < t.tables.size() && t.tables[ti].name != T; ++ti) {
  }
  REQUIRE(ti < t.tables.size());
  m.table_seen[ti] = true;
  const Section &sec = t.tables[ti].sections[0];
  for (size_t r = 0; r < sec.rows.size(); ++r)
    for (size_t c = 0; c < sec.columns.size(); ++c) {
      Record rec;
      rec.cell = {ti, 0, r, c};
      rec.value = parse_cell(r == 0 && c == 0 ? "7" : "");
      rec.placement = r == 0 && c == 0 ? Placement::direct : Placement::absent;
      rec.first_line = r == 0 && c == 0 ? 109 : 0;
      m.records.push_back(rec);
    }
  const fs::path f = write("m.csv",
                           "file,table,row,column,value,note\n"
                           "r.txt," +
                               T + "," + R +
                               ",自然人,0,the PDF says 0\n"
                               "r.txt," +
                               T + "," + R +
                               ",总计,,blank\n"
                               "r.txt,主动公开政府信息情况,第二十条第（一）项/规章,本年新制作数量,1,\n");
  const Overrides o = Overrides::load({f}, all_templates());
  apply_overrides(m, o.for_file("r.txt"));
  const Record &first = m.records[0];
  CHECK(first.placement == Placement::override_);
  CHECK(first.value.state == CellState::number);
  CHECK(first.value.raw == "0");
  CHECK(first.had_read);
  CHECK(first.read == "7");
  CHECK(first.note == "the PDF says 0");
  CHECK(first.first_line == 109);  // where the cell is in the source
  const Record &total = m.records[sec.columns.size() - 1];
  CHECK(total.placement == Placement::override_);
  CHECK(total.value.state == CellState::blank);  // a blank stays blank
  CHECK_FALSE(total.had_read);                   // the source had no such cell
  // Table 1 was not found in this report: not applied, a doubt.
  bool doubt = false;
  for (const Finding &fd : m.findings)
    if (fd.code == "override-not-applied") doubt = fd.doubt && fd.message.find(f.string() + ":4") == 0;
  CHECK(doubt);
  CHECK(std::string(placement_name(Placement::override_)) == "override");
}
