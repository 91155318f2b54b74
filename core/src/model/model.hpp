// The core's part of the model (formats/MODEL.md, docs/model.md): the
// report's metadata read from the body, the verdict, and the assembly of the
// typed model (docpipe/sdk/model.hpp) from the input plugin's body and the
// template stage's mapping. The body is parsed once, from the plugin's XML,
// by the SDK's reader; from there to the outputs the model stays typed.
#pragma once

#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decode/decode.hpp"
#include "templates/mapper.hpp"

namespace docpipe::model {

struct Provenance {
  std::string path;  // as given
  std::string name;  // file name, or the path relative to the input root in bulk runs
  std::string sha256;
  size_t bytes = 0;
  std::string plugin, plugin_version;
  double confidence = 0;
};

// Title, issuing body, year and date of the report (empty when not found),
// from the body's first headings and paragraphs and its closing lines.
struct ReportMeta {
  std::string title, year, agency, date;
  std::string agency_key;  // across::agency_key (docs/cross-year.md); "" when nothing names the agency
};
ReportMeta report_metadata(const sdk::RawDocument &body);

// ok, or review with its reasons (code, text), from the mapping, the checks
// and the input plugin's diagnostics that put the data in doubt.
struct Verdict {
  std::vector<std::pair<std::string, std::string>> reasons;
  bool ok() const { return reasons.empty(); }
};
Verdict judge(const sdk::RawDocument &body, const templates::Mapping &m, const std::vector<templates::Check> &checks);

// The whole typed model: the metadata, the body (moved in), then the
// template, records, unmapped items, checks, verdict and the template
// stage's diagnostics.
sdk::model::Document assemble(const Provenance &p, const DecodedText &text, const ReportMeta &report,
                              sdk::RawDocument body, const templates::Mapping &m,
                              const std::vector<templates::Check> &checks, const Verdict &verdict);

}  // namespace docpipe::model
