// Pipeline definitions (pipelines/*.xml, schema pipelines/pipeline.rng): where
// the inputs are, which input plugin, and the outputs with their path
// patterns and options. A bad definition is refused before any work starts,
// with the line and the reason.
#pragma once

#include <filesystem>
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
  std::string content_hash;  // of the definition file
};

// Parses and checks a definition against the plugins that are loaded.
// `input_override` replaces the definition's input folder. Throws
// docpipe::Error(config) "FILE:LINE: reason".
Pipeline load_pipeline(const std::filesystem::path &file, const PluginRegistry &plugins,
                       const std::filesystem::path &input_override);

// Expands an output pattern for one input; the result stays inside the
// output folder (checked when the pipeline is loaded).
std::filesystem::path expand_pattern(const std::string &pattern, const std::filesystem::path &relpath);

// "**/*.txt" style matching on '/'-separated relative paths; [hH], [a-z] and [!x]
// classes match one character (the shipped pipeline's "*.[hH][tT][mM]" globs).
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace docpipe::runner
