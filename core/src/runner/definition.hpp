// Pipeline definitions (pipelines/*.xml, schema pipelines/pipeline.rng): where
// the inputs are, which input plugin, and the outputs with their path
// patterns and options. A bad definition is refused before any work starts,
// with the line and the reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "plugin_host/registry.hpp"

namespace docpipe::runner {

struct OutputSpec {
  std::string plugin;
  std::string pattern;  // "{relpath}/{stem}": folder and file stem; the plugin adds its suffixes
  std::map<std::string, std::string> options;
  int line = 0;
};

struct Limits {
  bool enabled = true;
  int seconds = 120;     // per input
  int memory_mb = 2048;  // address space of a worker
};

struct Pipeline {
  std::filesystem::path file;
  std::string name;
  std::filesystem::path input_folder;  // absolute after resolve()
  std::vector<std::string> include = {"**/*.txt"};
  std::vector<std::string> exclude;
  std::string input_plugin = "auto";
  std::vector<OutputSpec> outputs;
  std::string combined_values = "values.csv";     // "" = none
  std::string combined_summary = "summary.xlsx";  // "" = none
  Limits limits;
  std::vector<std::filesystem::path> overrides;  // <overrides file="..."/>: corrections by hand, in order
  std::string content_hash;                      // of the definition file
};

// Parses and checks a definition against the plugins that are loaded.
// `input_override` replaces the definition's input folder. Throws
// docpipe::Error(config) "FILE:LINE: reason".
Pipeline load_pipeline(const std::filesystem::path &file, const PluginRegistry &plugins,
                       const std::filesystem::path &input_override);

// Expands an output pattern for one input; the result stays inside the
// output folder (checked when the pipeline is loaded).
std::filesystem::path expand_pattern(const std::string &pattern, const std::filesystem::path &relpath);

// Who owns which output files. An output plugin adds its own suffixes to a
// folder and stem (`a/r` -> `a/r.xlsx`, `a/r.table-1.csv`), so the rule is:
// for each output plugin, no two inputs may share a folder and stem. `run`
// checks it over all its inputs before any work, `convert` over its
// arguments (pattern "{stem}" in one folder). 8-byte hashes of the keys,
// sorted, keep 100,000 inputs to a few MiB; equal hashes are confirmed on
// the expanded paths.
class OutputOwners {
 public:
  // relpath_at(0..n-1): the inputs' paths relative to the input folder.
  OutputOwners(const std::vector<OutputSpec> &outputs, size_t n,
               const std::function<std::string_view(size_t)> &relpath_at);

  // "" when every output has one owner, else a message naming two inputs
  // whose outputs would be the same files.
  const std::string &collision() const { return collision_; }

  // Whether `file` (relative to the output folder) is named under the
  // folder and stem of an output of another input than `self` (an index):
  // a stale file an input no longer writes is removed only when no other
  // input owns its name.
  bool owned_by_another(const std::filesystem::path &file, int64_t self) const;

  // Whether some input's output number `output` has this folder and stem ("a/r").
  bool owns_stem(const std::string &stem_path, size_t output) const;

 private:
  std::vector<OutputSpec> outputs_;
  std::function<std::string_view(size_t)> relpath_at_;
  std::vector<std::pair<uint64_t, uint32_t>> stems_;  // hash of folder/stem (any plugin) -> input
  std::string collision_;
};

// "**/*.txt" style matching on '/'-separated relative paths; [hH], [a-z] and [!x]
// classes match one character (the shipped pipeline's "*.[hH][tT][mM]" globs).
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace docpipe::runner
