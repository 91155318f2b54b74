// The agency key (across/agency.hpp) and the cross-year checks on reports
// held in memory (across/crossyear.hpp): the rule, the aliases file and its
// errors, gaps, duplicates, blanks; the alias hints streamed from a real
// ledger equal those of the same reports in memory.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "across/agency.hpp"
#include "across/crossyear.hpp"
#include "across/shard.hpp"
#include "across/store.hpp"
#include "error.hpp"
#include "runner/ledger.hpp"
#include "templates/template.hpp"

using namespace docpipe;
namespace fs = std::filesystem;

namespace {
fs::path write_temp(const std::string &name, const std::string &text) {
  const fs::path p = fs::temp_directory_path() / ("docpipe-across-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}
}  // namespace

TEST_CASE("agency key: years, brackets, the title's words and punctuation go") {
  const across::Aliases none;
  const std::string key = "洪泽区人民政府";
  for (const char *agency :
       {"洪泽区人民政府", "（洪泽区人民政府）", "洪泽区人民政府２０２３年", "2023年度洪泽区人民政府",
        "洪泽区人民政府（2023年度）", "洪泽区 人民政府", "二〇二三年洪泽区人民政府",
        "关于洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府的"})
    CHECK(across::agency_key(agency, "", none) == key);
  // No agency found: the title, without its year and fixed words.
  CHECK(across::agency_key("", "洪泽区人民政府2023年政府信息公开工作年度报告", none) == key);
  CHECK(across::agency_key("", "政府信息公开工作年度报告", none).empty());
  // A city before the name is another key: only the aliases file joins them.
  CHECK(across::agency_key("淮安市洪泽区人民政府", "", none) == "淮安市洪泽区人民政府");
}

TEST_CASE("agency aliases: an alias maps to its agency key, errors name file and line") {
  const auto ok = write_temp("ok.csv",
                             "\xEF\xBB\xBF"
                             "alias,agency\r\n洪泽区人民政府,淮安市洪泽区人民政府\r\n\r\n# note\n"
                             "\"（洪泽区）人民政府2024年\",淮安市洪泽区人民政府\n");
  const auto a = across::Aliases::load(ok);
  CHECK(across::agency_key("洪泽区人民政府", "", a) == "淮安市洪泽区人民政府");
  CHECK(across::agency_key("2023年洪泽区人民政府", "", a) == "淮安市洪泽区人民政府");
  CHECK(across::agency_key("淮安市人民政府", "", a) == "淮安市人民政府");
  CHECK(!a.digest().empty());
  auto refused = [](const std::string &text, const std::string &what) {
    const auto f = write_temp("bad.csv", text);
    try {
      across::Aliases::load(f);
      FAIL("accepted: " << text);
    } catch (const Error &e) {
      CHECK(e.code() == ExitCode::config);
      CHECK(std::string(e.what()).find(f.string() + what) != std::string::npos);
    }
  };
  refused("alias,agency\n甲局\n", ":2: expected two fields");
  refused("甲局,乙局\n甲局,丙局\n", ":2: alias '甲局' already maps to '乙局' (line 1)");
  refused("甲局,乙局\n乙局,丙局\n", ":1: agency '乙局' is itself an alias (line 2)");
  refused("2020年,乙局\n", ":1: '2020年' names no agency");
  refused(",乙局\n", ":1: an empty name");
}

TEST_CASE("shards: I/N parsed strictly, every path in exactly one shard") {
  CHECK(across::parse_shard("2/3").index == 2);
  for (const char *bad : {"3/3", "1", "a/2", "0/0", "-1/2", "1/2x"}) CHECK_THROWS_AS(across::parse_shard(bad), Error);
  for (const char *p : {"a.txt", "2020/r.txt", "深圳/年报.txt"}) {
    int in = 0;
    for (unsigned i = 0; i < 3; ++i) in += across::in_shard(p, {i, 3});
    CHECK(in == 1);
    CHECK(across::in_shard(p, {0, 1}));
  }
}

namespace {
across::Cell cell(const std::string &row, const std::string &col, const std::string &value, int line) {
  const bool num = !value.empty() && value != "/";
  return {"requests",
          row,
          col,
          "t / " + row + " / " + col,
          value,
          num ? "number" : value.empty() ? "blank" : "placeholder",
          num ? value : "",
          line};
}
across::Report report(const std::string &file, const std::string &year, const std::string &carried,
                      const std::string &carry_over) {
  return {file,
          "甲局",
          year,
          "ogi-2021",
          {cell("carried", "total", carried, 10), cell("carry_over", "total", carry_over, 20)}};
}
}  // namespace

TEST_CASE("cross-year checks: failure, blank, gap, duplicate") {
  across::Declaration d;
  d.id = "carried_over";
  d.template_id = "ogi-2021";
  d.table = "requests";
  d.per = "column";
  d.expected = {{"carry_over", "", true, false}};
  d.actual = {{"carried", "", false, false}};
  d.instances = {{"", "total"}};
  const std::vector<across::Declaration> decls{d};

  std::vector<across::Report> r{report("b.txt", "2021", "4", "5"), report("a.txt", "2020", "0", "3")};
  auto f = across::check(r, decls);
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "fail");
  CHECK(f[0].file == "b.txt");
  CHECK(f[0].previous_file == "a.txt");
  CHECK(f[0].cells == "t / carried / total = 4 (line 10)");
  CHECK(f[0].previous_cells == "t / carry_over / total = 3 (line 20)");
  CHECK(f[0].expected == "3");
  CHECK(f[0].actual == "4");

  r = {report("a.txt", "2020", "0", "3"), report("b.txt", "2021", "3", "5")};
  CHECK(across::check(r, decls).empty());

  r = {report("a.txt", "2020", "0", ""), report("b.txt", "2021", "3", "5")};  // a blank is not 0
  f = across::check(r, decls);
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "not-checkable");

  r = {report("a.txt", "2019", "0", "3"), report("b.txt", "2021", "9", "5")};  // 2020 missing
  f = across::check(r, decls);
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "gap");
  CHECK(f[0].note.find("no report for 2020") != std::string::npos);

  r = {report("a.txt", "2020", "0", "3"), report("a2.txt", "2020", "0", "4"), report("b.txt", "2021", "9", "5")};
  f = across::check(r, decls);
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "duplicate");
}

TEST_CASE("possible aliases: a name after an administrative area is a hint, never a join") {
  auto r = [](const std::string &file, const std::string &key) {
    return across::Report{file, key, "2020", "ogi-2019", {}};
  };
  auto h = across::alias_hints({r("a", "淮安市洪泽区人民政府"), r("b", "洪泽区人民政府"), r("c", "淮安市人民政府")});
  REQUIRE(h.size() == 1);
  CHECK(h[0].kind == "possible-alias");
  CHECK(h[0].agency_key == "洪泽区人民政府");
  CHECK(h[0].file == "b");
  CHECK(h[0].previous_file == "a");
  CHECK(h[0].note.find("洪泽区人民政府,淮安市洪泽区人民政府") != std::string::npos);
  // Two cities with a 鼓楼区: ambiguous, said so.
  h = across::alias_hints({r("a", "南京市鼓楼区人民政府"), r("b", "福州市鼓楼区人民政府"), r("c", "鼓楼区人民政府")});
  REQUIRE(h.size() == 1);
  CHECK(h[0].note.find("'南京市鼓楼区人民政府', '福州市鼓楼区人民政府' end with") == 0);
  // Not after an area name: no hint (局 is no administrative unit).
  CHECK(across::alias_hints({r("a", "交通运输局人民政府"), r("b", "人民政府")}).empty());
}

TEST_CASE("possible aliases from a ledger: the same hints as in memory, from the first present report of each key") {
  const fs::path dir = fs::temp_directory_path() / ("docpipe-across-ledger-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<across::Report> reports;  // what is present, for the in-memory hints
  {
    runner::Ledger ledger(dir / "ledger.sqlite");
    std::vector<runner::InputRecord> records;
    auto add = [&](const std::string &rel, const std::string &key, const std::string &year, bool present) {
      runner::InputRecord r;
      r.relpath = rel;
      r.content_hash = r.pipeline_hash = "x";
      r.status = "done";
      r.template_id = "ogi-2021";
      r.year = year;
      r.agency_key = key;
      records.push_back(r);
      if (present) reports.push_back({rel, key, year, "ogi-2021", {}});
    };
    // The first report by year, then file; a key's first report gone from
    // the input folder gives way to its next one.
    add("z.txt", "淮安市洪泽区人民政府", "2021", true);
    add("y.txt", "淮安市洪泽区人民政府", "2020", true);
    add("gone.txt", "洪泽区人民政府", "2019", false);
    add("b.txt", "洪泽区人民政府", "2022", true);
    add("c.txt", "南京市鼓楼区人民政府", "2021", true);
    add("d.txt", "福州市鼓楼区人民政府", "2021", true);
    add("e.txt", "鼓楼区人民政府", "2021", true);
    add("f.txt", "只在已删除文件里的区人民政府", "2021", false);
    add("g.txt", "某市只在已删除文件里的区人民政府", "2021", true);
    // Many agencies, some ending others (after 市 or 县).
    for (int i = 0; i < 3000; ++i) {
      const std::string name = "第" + std::to_string(i) + "局";
      add("m" + std::to_string(i) + ".txt", name, "2021", true);
      if (i % 7 == 0) add("n" + std::to_string(i) + ".txt", (i % 2 ? "甲市" : "乙县") + name, "2021", true);
    }
    ledger.put(records);
    const auto present = [&](const std::string &rel) {
      return std::any_of(reports.begin(), reports.end(), [&](const across::Report &r) { return r.relpath == rel; });
    };
    const auto from_ledger = across::check_ledger(ledger.handle(), {}, {}, present);
    const auto in_memory = across::alias_hints(reports);
    REQUIRE(in_memory.size() == 2 + 429);  // 洪泽区, 鼓楼区 and every seventh 第N局
    REQUIRE(from_ledger.size() == in_memory.size());
    for (size_t i = 0; i < in_memory.size(); ++i) {
      INFO(in_memory[i].agency_key);
      CHECK(from_ledger[i].kind == in_memory[i].kind);
      CHECK(from_ledger[i].agency_key == in_memory[i].agency_key);
      CHECK(from_ledger[i].file == in_memory[i].file);
      CHECK(from_ledger[i].year == in_memory[i].year);
      CHECK(from_ledger[i].previous_file == in_memory[i].previous_file);
      CHECK(from_ledger[i].note == in_memory[i].note);
    }
    const auto hongze = std::find_if(in_memory.begin(), in_memory.end(),
                                     [](const across::Finding &f) { return f.agency_key == "洪泽区人民政府"; });
    REQUIRE(hongze != in_memory.end());
    CHECK(hongze->file == "b.txt");           // gone.txt is not present
    CHECK(hongze->previous_file == "y.txt");  // 2020 before 2021
  }
  fs::remove_all(dir);
}
