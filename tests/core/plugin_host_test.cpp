#include <catch2/catch.hpp>

#include "error.hpp"
#include "plugin_host/registry.hpp"

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
