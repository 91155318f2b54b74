#include "plugin_host/registry.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "error.hpp"

namespace docpipe {
namespace fs = std::filesystem;

namespace {

// Libraries are kept here for the life of the process and never unloaded.
// Intentionally leaked: static destructors must not unload plugins whose
// code may still be referenced while the process exits.
std::vector<std::unique_ptr<boost::dll::shared_library>> &loaded_libraries() {
  static auto *libs = new std::vector<std::unique_ptr<boost::dll::shared_library>>();
  return *libs;
}
std::mutex &libraries_mutex() {
  static auto *m = new std::mutex();
  return *m;
}

std::string version_text(uint32_t major, uint32_t minor) { return std::to_string(major) + "." + std::to_string(minor); }

}  // namespace

std::vector<PluginSearchDir> plugin_search_path(const std::vector<fs::path> &plugin_dirs) {
  std::vector<PluginSearchDir> out;
  for (const auto &d : plugin_dirs) out.push_back({d, "--plugin-dir"});
  if (const char *env = std::getenv("DOCPIPE_PLUGIN_PATH"); env != nullptr && *env != '\0') {
    std::string s(env);
    size_t start = 0;
    while (start <= s.size()) {
      size_t colon = s.find(':', start);
      if (colon == std::string::npos) colon = s.size();
      if (colon > start) out.push_back({s.substr(start, colon - start), "DOCPIPE_PLUGIN_PATH"});
      start = colon + 1;
    }
  }
  std::error_code ec;
  const fs::path exe = boost::dll::program_location(ec);
  if (!ec) {
    // The same layout serves a build tree and an install prefix; say which.
    const fs::path top = exe.parent_path().parent_path();
    const bool build_tree = fs::exists(top / "CMakeCache.txt", ec);
    out.push_back({top / DOCPIPE_PLUGIN_RELDIR, build_tree ? "built-in (build tree)" : "built-in (install prefix)"});
  }
  return out;
}

PluginInfo PluginRegistry::load_file(const fs::path &file, const std::string &origin) {
  auto fail = [&](const std::string &why) -> PluginInfo {
    throw Error(ExitCode::plugin_unavailable, file.string() + ": " + why);
  };
  // Only the entry symbol is looked up; nothing else of the plugin runs
  // before its ABI version has been checked.
  auto lib = std::make_unique<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  lib->load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) return fail("cannot be loaded: " + ec.message());
  if (!lib->has(DOCPIPE_PLUGIN_ENTRY_SYMBOL)) return fail("not a docpipe plugin (no docpipe_plugin_entry symbol)");
  auto entry = lib->get<const docpipe_plugin *()>(DOCPIPE_PLUGIN_ENTRY_SYMBOL);
  const docpipe_plugin *api = entry();
  if (api == nullptr) return fail("docpipe_plugin_entry returned no descriptor");
  if (api->abi_major != DOCPIPE_ABI_MAJOR || api->abi_minor > DOCPIPE_ABI_MINOR)
    return fail("plugin ABI " + version_text(api->abi_major, api->abi_minor) + " is not compatible with host ABI " +
                version_text(DOCPIPE_ABI_MAJOR, DOCPIPE_ABI_MINOR) + " (same major, minor <= host's needed)");
  // struct_size says which fields exist: at least those of ABI 1.0, and those
  // of the plugin's own minor; fields of newer minors are never read.
  if (api->struct_size < DOCPIPE_PLUGIN_SIZE_1_0 || (api->abi_minor >= 1 && !DOCPIPE_PLUGIN_HAS(api, input_form)) ||
      (api->abi_minor >= 2 && !DOCPIPE_PLUGIN_HAS(api, parse_hinted)) ||
      (api->abi_minor >= 3 && !DOCPIPE_PLUGIN_HAS(api, write_typed)) ||
      (api->abi_minor >= 4 && !DOCPIPE_PLUGIN_HAS(api, parse_typed)))
    return fail("descriptor too small for its ABI version");
  if (api->name == nullptr || *api->name == '\0' || api->version == nullptr) return fail("descriptor has no name");
  if (api->kind == DOCPIPE_KIND_INPUT) {
    if (api->probe == nullptr || api->parse == nullptr) return fail("input plugin without probe/parse");
    if (DOCPIPE_PLUGIN_HAS(api, input_form) && api->input_form != DOCPIPE_INPUT_TEXT &&
        api->input_form != DOCPIPE_INPUT_BYTES)
      return fail("unknown input form " + std::to_string(api->input_form));
  } else if (api->kind == DOCPIPE_KIND_OUTPUT) {
    if (api->write == nullptr) return fail("output plugin without write");
  } else {
    return fail("unknown plugin kind " + std::to_string(api->kind));
  }
  PluginInfo info{file, origin, api};
  std::lock_guard<std::mutex> lock(libraries_mutex());
  loaded_libraries().push_back(std::move(lib));
  return info;
}

PluginRegistry PluginRegistry::load(const std::vector<PluginSearchDir> &path) {
  PluginRegistry reg;
  std::vector<fs::path> seen;
  for (const auto &entry : path) {
    std::error_code ec;
    if (!fs::is_directory(entry.dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto &f : fs::directory_iterator(entry.dir, ec)) {
      const std::string name = f.path().filename().string();
      if (name.rfind("docpipe-", 0) == 0 && f.path().extension() == ".so") files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());  // deterministic order
    for (const auto &file : files) {
      const fs::path canon = fs::weakly_canonical(file, ec);
      if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
      seen.push_back(canon);
      try {
        PluginInfo info = load_file(file, entry.origin);
        const auto dup = std::find_if(reg.plugins_.begin(), reg.plugins_.end(),
                                      [&](const PluginInfo &p) { return p.name() == info.name(); });
        if (dup != reg.plugins_.end()) {
          reg.failures_.push_back(
              {file, entry.origin,
               "plugin '" + info.name() + "' already loaded from " + dup->file.string() + " (the first one wins)"});
          continue;
        }
        reg.plugins_.push_back(std::move(info));
      } catch (const Error &e) {
        reg.failures_.push_back({file, entry.origin, e.what()});
      }
    }
  }
  return reg;
}

const PluginInfo *PluginRegistry::find(const std::string &name, docpipe_plugin_kind kind) const {
  for (const auto &p : plugins_)
    if (p.api->kind == static_cast<uint32_t>(kind) && p.name() == name) return &p;
  return nullptr;
}

std::vector<const PluginInfo *> PluginRegistry::of_kind(docpipe_plugin_kind kind) const {
  std::vector<const PluginInfo *> out;
  for (const auto &p : plugins_)
    if (p.api->kind == static_cast<uint32_t>(kind)) out.push_back(&p);
  return out;
}

}  // namespace docpipe
