#include <catch2/catch.hpp>

#include "error.hpp"
#include "plugin_host/registry.hpp"
#include "templates/hints.hpp"
#include "templates/template.hpp"

using namespace docpipe;

namespace {
const std::filesystem::path kBuiltIn = std::filesystem::path(DOCPIPE_BUILD_DIR) / "lib/docpipe/plugins";
const std::filesystem::path kTestPlugins = DOCPIPE_TEST_PLUGIN_DIR;
}  // namespace

TEST_CASE("real plugins load from shared libraries and describe themselves") {
  const auto reg = PluginRegistry::load({{kBuiltIn, "built-in"}});
  const PluginInfo *we = reg.find("word-export", DOCPIPE_KIND_INPUT);
  REQUIRE(we != nullptr);
  CHECK(std::string(we->api->version) == "1.0.0");
  CHECK(we->api->abi_major == DOCPIPE_ABI_MAJOR);
  CHECK(we->origin == "built-in");
  // The probe runs through the C boundary.
  const std::string tika = "\t规章\n\t0\n\t0\n\n\t规范性文件\n\t0\n\t0\n\n\ta\n\tb\n\n\tc\n\td\n\n";
  CHECK(we->api->probe(tika.data(), tika.size()) > 0.5);
  CHECK(we->api->probe("plain text", 10) == 0.0);
}

TEST_CASE("a plugin built for another ABI version is refused, naming the file and both versions") {
  const auto file = kTestPlugins / "docpipe-abi-mismatch.so";
  try {
    PluginRegistry::load_file(file, "test");
    FAIL("the mismatched plugin was accepted");
  } catch (const Error &e) {
    const std::string msg = e.what();
    CHECK(e.code() == ExitCode::plugin_unavailable);
    CHECK(msg.find(file.string()) != std::string::npos);
    CHECK(msg.find("plugin ABI 99.0") != std::string::npos);
    CHECK(msg.find("host ABI " + std::to_string(DOCPIPE_ABI_MAJOR) + "." + std::to_string(DOCPIPE_ABI_MINOR)) !=
          std::string::npos);
  }
}

TEST_CASE("load failures are listed per plugin and do not stop the others") {
  const auto reg = PluginRegistry::load({{kTestPlugins, "--plugin-dir"}, {kBuiltIn, "built-in"}});
  CHECK(reg.find("word-export", DOCPIPE_KIND_INPUT) != nullptr);
  REQUIRE(reg.failures().size() >= 2);
  bool abi = false, not_plugin = false;
  for (const auto &f : reg.failures()) {
    abi |= f.file.filename() == "docpipe-abi-mismatch.so" && f.reason.find("not compatible") != std::string::npos;
    not_plugin |=
        f.file.filename() == "docpipe-not-a-plugin.so" && f.reason.find("not a docpipe plugin") != std::string::npos;
  }
  CHECK(abi);
  CHECK(not_plugin);
}

TEST_CASE("a missing file is a load failure with the reason") {
  CHECK_THROWS_WITH(PluginRegistry::load_file(kTestPlugins / "docpipe-nothing.so", "test"),
                    Catch::Contains("cannot be loaded"));
}

TEST_CASE("the search path puts --plugin-dir first, then DOCPIPE_PLUGIN_PATH, then the built-in folder") {
  setenv("DOCPIPE_PLUGIN_PATH", "/opt/a:/opt/b", 1);
  const auto path = plugin_search_path({"/x"});
  unsetenv("DOCPIPE_PLUGIN_PATH");
  REQUIRE(path.size() == 4);
  CHECK(path[0].dir == "/x");
  CHECK(path[1].dir == "/opt/a");
  CHECK(path[2].origin == "DOCPIPE_PLUGIN_PATH");
  CHECK(path[3].origin == "built-in (build tree)");  // this test runs from the build tree
}

namespace {
struct Collect {
  std::string data;
  static int write(void *ctx, const char *bytes, size_t len) {
    static_cast<Collect *>(ctx)->data.append(bytes, len);
    return 0;
  }
  static void report(void *ctx, const char *msg) { static_cast<Collect *>(ctx)->data += msg; }
};
}  // namespace

TEST_CASE("ABI 1.2: a plugin takes the shape hints through parse_hinted across the C boundary") {
  const auto reg = PluginRegistry::load({{kBuiltIn, "built-in"}});
  const PluginInfo *p = reg.find("cell-per-line", DOCPIPE_KIND_INPUT);
  REQUIRE(p != nullptr);
  CHECK(p->api->abi_minor >= 2);
  REQUIRE(DOCPIPE_PLUGIN_HAS(p->api, parse_hinted));
  REQUIRE(p->api->parse_hinted != nullptr);
  const std::string hints = templates::shape_hints_xml(
      templates::load_templates(std::filesystem::path(DOCPIPE_SOURCE_DIR) / "formats/templates"));
  const std::string text =
      "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年新\n制作数量\n本年新\n公开数量\n对外公开总数量\n规章"
      "\n0\n\n5\n";
  Collect out, err;
  const docpipe_sink sink{&out, &Collect::write};
  const docpipe_error_sink errors{&err, &Collect::report};
  const docpipe_options none{0, nullptr, nullptr};
  REQUIRE(p->api->parse_hinted(text.data(), text.size(), &none, hints.data(), hints.size(), &sink, &errors) ==
          DOCPIPE_OK);
  CHECK(out.data.find(
            "<cell first-line=\"9\" last-line=\"9\">规章</cell><cell first-line=\"10\" last-line=\"10\">0</cell>"
            "<cell first-line=\"11\" last-line=\"11\"/>") != std::string::npos);
  // Without hints (a host that calls parse) it refuses, saying why.
  Collect out2, err2;
  const docpipe_sink sink2{&out2, &Collect::write};
  const docpipe_error_sink errors2{&err2, &Collect::report};
  CHECK(p->api->parse(text.data(), text.size(), &none, &sink2, &errors2) == DOCPIPE_ERR_INPUT);
  CHECK(err2.data.find("shape hints") != std::string::npos);
  // Malformed hints are an error at the boundary, not a crash.
  Collect out3, err3;
  const docpipe_sink sink3{&out3, &Collect::write};
  const docpipe_error_sink errors3{&err3, &Collect::report};
  CHECK(p->api->parse_hinted(text.data(), text.size(), &none, "<x", 2, &sink3, &errors3) == DOCPIPE_ERR_INTERNAL);
  CHECK(err3.data.find("shape hints do not parse") != std::string::npos);
}

TEST_CASE("ABI 1.2 host: a plugin of ABI 1.1 (no parse_hinted in its descriptor) loads and parses through parse") {
  const PluginInfo info = PluginRegistry::load_file(kTestPlugins / "docpipe-legacy-1-1.so", "test");
  CHECK(info.api->abi_minor == 1);
  CHECK_FALSE(DOCPIPE_PLUGIN_HAS(info.api, parse_hinted));
  Collect out;
  const docpipe_sink sink{&out, &Collect::write};
  const docpipe_options none{0, nullptr, nullptr};
  CHECK(info.api->parse("x", 1, &none, &sink, nullptr) == DOCPIPE_OK);
  CHECK(out.data.find("legacy 1.1") != std::string::npos);
}
