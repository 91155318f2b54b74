// An input plugin that misbehaves on purpose, to test that a bulk run
// survives it: text starting with "CRASH" makes it segfault, "HANG" makes it
// sleep forever, "HOG" makes it allocate without bound. It claims nothing else.
#include <csignal>
#include <cstring>
#include <docpipe/sdk/plugin.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace {

struct Misbehaving {
  static constexpr const char *name = "misbehaving-test";
  static constexpr const char *version = "0.0.1";
  static constexpr const char *description = "test plugin: crashes, hangs or hogs memory on demand";
  static constexpr const char *options = "";
  static bool starts(std::string_view t, const char *w) { return t.substr(0, std::strlen(w)) == w; }
  static double probe(std::string_view t) {
    return starts(t, "CRASH") || starts(t, "HANG") || starts(t, "HOG") ? 1.0 : 0.0;
  }
  static void parse(std::string_view t, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &) {
    if (starts(t, "CRASH")) std::raise(SIGSEGV);
    if (starts(t, "HANG"))
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    // Address space, not touched pages: the worker's memory limit stops it at
    // once, whatever the machine's load (writing the pages first could run
    // into the time limit on a busy machine).
    std::vector<std::unique_ptr<char[]>> hog;
    for (;;) {
      hog.emplace_back(new char[64u << 20]);
      hog.back()[0] = 'x';
    }
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(Misbehaving)
