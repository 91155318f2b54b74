// Test harness for the output plugins: loads the real plugin .so files from
// the build tree and drives them through the C ABI only, exactly as the host
// does, with an output target that hands out paths in a scratch folder.
#pragma once

#include <dlfcn.h>
#include <docpipe/abi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace test {

namespace fs = std::filesystem;

inline std::string read_bytes(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline fs::path fixture(const std::string &name) {
  return fs::path(DOCPIPE_TEST_DIR) / "plugins/outputs/fixtures" / name;
}

// Loaded once and never unloaded, as the host does.
inline const docpipe_plugin &plugin(const std::string &name) {
  static std::mutex mutex;
  static std::map<std::string, const docpipe_plugin *> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded.find(name); it != loaded.end()) return *it->second;
  const std::string path = std::string(DOCPIPE_BUILD_DIR) + "/lib/docpipe/plugins/docpipe-" + name + ".so";
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw std::runtime_error("dlopen " + path + ": " + dlerror());
  auto entry = reinterpret_cast<docpipe_plugin_entry_fn>(dlsym(handle, DOCPIPE_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error(path + " has no " DOCPIPE_PLUGIN_ENTRY_SYMBOL);
  const docpipe_plugin *p = entry();
  loaded[name] = p;
  return *p;
}

// A scratch folder, removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "docpipe-out-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;
  const fs::path &path() const { return path_; }

 private:
  fs::path path_;
};

// What one write call produced.
struct Run {
  int status = -1;
  std::string error;                         // what the plugin reported
  std::vector<std::string> suffixes;         // in the order they were requested
  std::map<std::string, std::string> files;  // suffix -> bytes written
};

// The test's docpipe_output_target: hands out <dir>/<stem><suffix>, refuses
// suffixes that would leave the folder, and can pretend the folder is gone.
struct Target {
  fs::path dir;
  bool broken_dir = false;  // hand out paths in a folder that does not exist
  bool refuse = false;      // return NULL, as a host refusing the suffix
  std::vector<std::string> suffixes;
  std::vector<std::unique_ptr<std::string>> paths;  // stable c_str() for the call

  static const char *file_path(void *ctx, const char *suffix) {
    auto *t = static_cast<Target *>(ctx);
    const std::string s(suffix);
    if (t->refuse || s.find('/') != std::string::npos) return nullptr;
    t->suffixes.push_back(s);
    const fs::path base = t->broken_dir ? t->dir / "missing" : t->dir;
    t->paths.push_back(std::make_unique<std::string>((base / ("report" + s + ".tmp")).string()));
    return t->paths.back()->c_str();
  }
};

inline Run run(const std::string &name, const std::string &model,
               const std::vector<std::pair<std::string, std::string>> &options = {}, bool broken_dir = false,
               bool refuse = false) {
  ScratchDir scratch;
  Target target{scratch.path(), broken_dir, refuse, {}, {}};
  docpipe_output_target t{&target, &Target::file_path};
  std::vector<const char *> keys, values;
  for (const auto &[k, v] : options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  docpipe_options opts{options.size(), keys.data(), values.data()};
  Run out;
  docpipe_error_sink err{&out.error, [](void *ctx, const char *msg) { *static_cast<std::string *>(ctx) += msg; }};
  out.status = plugin(name).write(model.data(), model.size(), &opts, &t, &err);
  out.suffixes = target.suffixes;
  for (size_t i = 0; i < target.suffixes.size(); ++i) {
    if (fs::exists(*target.paths[i])) out.files[target.suffixes[i]] = read_bytes(*target.paths[i]);
  }
  return out;
}

// Runs a command line; returns its exit status and standard output.
inline std::pair<int, std::string> shell(const std::string &cmd) {
  std::FILE *p = popen(cmd.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string quote(const std::string &s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::vector<std::string> split(const std::string &s, const std::string &sep) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (true) {
    const size_t at = s.find(sep, begin);
    out.push_back(s.substr(begin, at == std::string::npos ? std::string::npos : at - begin));
    if (at == std::string::npos) return out;
    begin = at + sep.size();
  }
}

}  // namespace test
