// libFuzzer target for the whole `convert` path on arbitrary bytes: the core
// reads the file and decodes it (BOM, UTF-16, strict UTF-8, GB18030, binary
// refusal), every input plugin probes it, the best one parses it, the
// template stage maps and checks it, the model is written, and every output
// plugin (xlsx, csv, values, xml) writes its files into a scratch folder, as
// `docpipe convert -f auto` does. Refusing an input with a reason (bad
// input, no plugin claims it, a plugin's error) is the contract; a crash, a
// sanitizer report, an exception that escapes, or an internal error (exit
// code 70: a bug) is a finding.
//
// Build and run: see docs/fuzzing.md (cmake -DDOCPIPE_FUZZ=ON with clang).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "engine/engine.hpp"

namespace fs = std::filesystem;

namespace {

struct World {
  std::unique_ptr<docpipe::Engine> engine;
  fs::path dir;  // scratch: the input file and the outputs, emptied after each input
};

World &world() {
  static World w = [] {
    World v;
    docpipe::EngineConfig cfg;
    cfg.plugin_dirs.emplace_back(DOCPIPE_FUZZ_PLUGIN_DIR);
    cfg.formats_dir = DOCPIPE_FUZZ_FORMATS_DIR;
    v.engine = std::make_unique<docpipe::Engine>(cfg);
    std::string tmpl = (fs::temp_directory_path() / "docpipe-convert-fuzz-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    v.dir = tmpl;
    return v;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  world();  // plugins loaded before fuzzing starts, so their coverage counts from the first input
  return 0;
}

// An undefined-behaviour report is a finding like any other: stop on it
// even when UBSAN_OPTIONS does not say so.
extern "C" const char *__ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  World &w = world();
  const fs::path input = w.dir / "report.txt";
  {
    std::ofstream f(input, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
  }
  const fs::path out = w.dir / "out";
  const docpipe::OutputRequest every_output;  // no plugin named: every output plugin
  const docpipe::ConvertOutcome o = w.engine->convert(input, "report.txt", "auto", out, every_output);
  if (!o.ok && o.code == docpipe::ExitCode::internal) {
    std::fprintf(stderr, "internal error (a bug): %s\n", o.error.c_str());
    std::abort();
  }
  std::error_code ec;
  fs::remove_all(out, ec);
  return 0;
}
