// Assembly of the intermediate model (formats/MODEL.md, formats/model.rng):
// the core's metadata around the input plugin's <body>, then the template
// stage's records, checks and verdict.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "decode/decode.hpp"
#include "templates/mapper.hpp"

namespace docpipe::model {

inline constexpr const char *kModelVersion = "1.0";

struct Provenance {
  std::string path;  // as given
  std::string name;  // file name, or the path relative to the input root in bulk runs
  std::string sha256;
  size_t bytes = 0;
  std::string plugin, plugin_version;
  double confidence = 0;
};

// Creates <document> with <metadata>, and parses the plugin's body XML into
// it. Throws docpipe::Error(plugin_unavailable) when the body is not
// well-formed: a plugin bug, reported with pugixml's reason and offset.
pugi::xml_document assemble(const Provenance &p, const DecodedText &text, std::string_view body_xml);

// Title, issuing body, year and date of the report, from the body's first
// headings and paragraphs and its closing lines.
void add_report_metadata(pugi::xml_document &doc);

// Adds <template>, <records>, <unmapped>, <checks>, <verdict> and <diagnostics>.
void add_template_results(pugi::xml_document &doc, const templates::Mapping &m,
                          const std::vector<templates::Check> &checks);

std::string to_string(const pugi::xml_document &doc);

}  // namespace docpipe::model
