// The data path of one input: bytes -> decode -> input plugin chosen by probe
// -> raw model -> template mapping and checks -> output plugins. The engine
// loads plugins and templates once and is safe to use from several threads.
#pragma once

#include <docpipe/abi.h>

#include <docpipe/sdk/model.hpp>
#include <filesystem>
#include <map>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "across/agency.hpp"
#include "across/crossyear.hpp"
#include "error.hpp"
#include "model/model.hpp"
#include "plugin_host/registry.hpp"
#include "templates/overrides.hpp"
#include "templates/template.hpp"

namespace docpipe {

struct EngineConfig {
  std::vector<std::filesystem::path> plugin_dirs;
  std::filesystem::path formats_dir;             // empty: DOCPIPE_FORMATS_DIR, then share/docpipe/formats beside bin/
  std::vector<std::filesystem::path> overrides;  // corrections by hand (templates/overrides.hpp), later files win
  std::filesystem::path agency_aliases;          // --agency-aliases: CSV alias,agency (docs/cross-year.md); empty: none
};

std::filesystem::path default_formats_dir();

struct ProbeScore {
  std::string plugin;
  double score = 0;
};

// Outputs: which plugins (empty = every output plugin) and their options.
struct OutputRequest {
  std::vector<std::string> plugins;
  std::map<std::string, std::map<std::string, std::string>> options;  // plugin -> key -> value
  // Where a plugin's files go when not in the common folder under the input's
  // stem (bulk runs: each output has its own path pattern): plugin -> (folder, stem).
  std::map<std::string, std::pair<std::filesystem::path, std::string>> destinations;
};

// A failed accounting identity, as the model's <check> states it.
struct Violation {
  std::string identity, table, row, column, expected, actual;
};

// One input's model, typed (docpipe/sdk/model.hpp), and what callers report
// of it. It goes to the output plugins as it is; XML is written from it only
// for a plugin that takes XML (sdk::model::to_xml for anyone else).
struct BuiltModel {
  sdk::model::Document document;
  std::string sha256, plugin;  // of the input's bytes; the input plugin that read them
  std::string template_id;     // empty when no template was recognised
  engine::ReportMeta report;
  engine::Verdict verdict;
  std::vector<Violation> violations;
};

struct ConvertOutcome {
  bool ok = false;
  ExitCode code = ExitCode::ok;
  std::string error;  // one line: what failed and why
  std::vector<std::filesystem::path> files;
  std::string template_id, verdict;
  std::string reasons;  // the verdict's reasons, "; "-separated (empty when ok)
  size_t failed_checks = 0;
};

class Engine {
 public:
  explicit Engine(const EngineConfig &config);

  const PluginRegistry &plugins() const { return registry_; }
  const std::vector<templates::Template> &templates() const { return templates_; }
  const templates::Overrides &overrides() const { return overrides_; }
  const std::vector<across::Declaration> &cross_year() const { return cross_year_; }
  const across::Aliases &agency_aliases() const { return aliases_; }

  // Every text input plugin's probe score on decoded text, best first (the
  // plugins of binary forms are probed on bytes, in build()).
  std::vector<ProbeScore> probe(std::string_view text) const;

  // The whole model of one input; `name` is what the model records as the
  // source name. Throws docpipe::Error with the file and the reason.
  BuiltModel build(const std::filesystem::path &input, const std::string &name, const std::string &input_format) const;

  // The same model as a document, for commands that read it (inspect, validate).
  pugi::xml_document build_model(const std::filesystem::path &input, const std::string &name,
                                 const std::string &input_format) const;

  // Runs the output plugins on the model: the typed model itself for a
  // plugin built against this SDK (ABI 1.3 write_typed), else its XML,
  // written once for all such plugins. Every file is written under a
  // temporary name and renamed only when its plugin succeeded.
  // Throws docpipe::Error.
  std::vector<std::filesystem::path> write_outputs(const sdk::model::Document &model,
                                                   const std::filesystem::path &out_dir, const std::string &stem,
                                                   const OutputRequest &outputs) const;

  // build_model + write_outputs for one input; never throws.
  ConvertOutcome convert(const std::filesystem::path &input, const std::string &name, const std::string &input_format,
                         const std::filesystem::path &out_dir, const OutputRequest &outputs) const;

 private:
  PluginRegistry registry_;
  std::vector<templates::Template> templates_;
  templates::Overrides overrides_;
  std::string shape_hints_;                      // formats/HINTS.md, for input plugins of ABI 1.2 that take them
  std::vector<across::Declaration> cross_year_;  // <cross-year> of the templates
  across::Aliases aliases_;                      // --agency-aliases
};

}  // namespace docpipe
