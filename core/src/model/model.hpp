// Assembly of the intermediate model (formats/MODEL.md, formats/model.rng):
// the core's metadata around the input plugin's <body>, then the template
// stage's records, checks and verdict.
//
// The model is written as text in one pass, in pugixml's layout (two-space
// indent, `<e a="v" />`, text inline), and never built as a DOM: only the
// plugin's body is parsed, once, because the template stage reads it. A
// report's model is ~100 KB and a bulk run writes thousands per second, so
// building and then serialising a DOM of it would cost more than the rest.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Parses the plugin's body XML into `doc` and returns its <body>. Throws
// docpipe::Error(plugin_unavailable) when the body is not well-formed or not
// exactly one <body>: a plugin bug, reported with pugixml's reason and offset.
pugi::xml_node parse_body(pugi::xml_document &doc, const std::string &plugin, std::string_view body_xml);

// Title, issuing body, year and date of the report (empty when not found),
// from the body's first headings and paragraphs and its closing lines.
struct ReportMeta {
  std::string title, year, agency, date;
  std::string agency_key;  // across::agency_key (docs/cross-year.md); "" when nothing names the agency
};
ReportMeta report_metadata(pugi::xml_node body);

// ok, or review with its reasons (code, text), from the mapping, the checks
// and the input plugin's diagnostics that put the data in doubt.
struct Verdict {
  std::vector<std::pair<std::string, std::string>> reasons;
  bool ok() const { return reasons.empty(); }
};
Verdict judge(pugi::xml_node body, const templates::Mapping &m, const std::vector<templates::Check> &checks);

// The whole model document: <metadata>, the body, then <template>,
// <records>, <unmapped>, <checks>, <verdict> and <diagnostics>.
std::string write_model(const Provenance &p, const DecodedText &text, const ReportMeta &report, pugi::xml_node body,
                        const templates::Mapping &m, const std::vector<templates::Check> &checks,
                        const Verdict &verdict);

// XML escaping exactly as pugixml writes it (tested against pugixml), so that
// the model reads the same whichever way it was written.
void append_escaped_attribute(std::string &out, std::string_view value);
void append_escaped_text(std::string &out, std::string_view text);

}  // namespace docpipe::model
