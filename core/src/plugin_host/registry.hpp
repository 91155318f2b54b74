// Finds and loads plugins (shared libraries named docpipe-*.so) with
// Boost.DLL. A plugin is loaded once, with RTLD_NOW | RTLD_LOCAL, checked for
// its ABI version before anything else is used, and never unloaded: a loaded
// library must outlive every function pointer and string that came from it.
#pragma once

#include <docpipe/abi.h>

#include <filesystem>
#include <string>
#include <vector>

namespace docpipe {

struct PluginInfo {
  std::filesystem::path file;
  std::string origin;  // "--plugin-dir", "DOCPIPE_PLUGIN_PATH", "built-in (build tree|install prefix)"
  const docpipe_plugin *api = nullptr;
  std::string name() const { return api->name; }
  bool is_input() const { return api->kind == DOCPIPE_KIND_INPUT; }
};

struct PluginLoadFailure {
  std::filesystem::path file;
  std::string origin;
  std::string reason;
};

struct PluginSearchDir {
  std::filesystem::path dir;
  std::string origin;
};

// The search path: each --plugin-dir, then DOCPIPE_PLUGIN_PATH (':'-separated),
// then lib/docpipe/plugins relative to the running executable (build tree and
// install prefix share that layout).
std::vector<PluginSearchDir> plugin_search_path(const std::vector<std::filesystem::path> &plugin_dirs);

class PluginRegistry {
 public:
  // Loads every plugin on the path; a file that fails to load is recorded
  // with its reason and does not stop the others. On duplicate names the
  // first one found wins, the later one is recorded as shadowed.
  static PluginRegistry load(const std::vector<PluginSearchDir> &path);

  // Loads one file; throws docpipe::Error(plugin_unavailable) with the reason.
  static PluginInfo load_file(const std::filesystem::path &file, const std::string &origin);

  const PluginInfo *find(const std::string &name, docpipe_plugin_kind kind) const;
  std::vector<const PluginInfo *> of_kind(docpipe_plugin_kind kind) const;
  const std::vector<PluginInfo> &plugins() const { return plugins_; }
  const std::vector<PluginLoadFailure> &failures() const { return failures_; }

 private:
  std::vector<PluginInfo> plugins_;
  std::vector<PluginLoadFailure> failures_;
};

}  // namespace docpipe
