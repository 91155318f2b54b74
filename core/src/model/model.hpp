// The core's part of the model (formats/MODEL.md, docs/model.md): the
// assembly of the typed model (docpipe/sdk/model.hpp) from the input plugin's body and the
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
#include "engine/report_meta.hpp"
#include "engine/verdict.hpp"
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

// The whole typed model: the metadata, the body (moved in), then the
// template, records, unmapped items, checks, verdict and the template
// stage's diagnostics.
sdk::model::Document assemble(const Provenance &p, const DecodedText &text, const engine::ReportMeta &report,
                              sdk::RawDocument body, const templates::Mapping &m,
                              const std::vector<templates::Check> &checks, const engine::Verdict &verdict);

}  // namespace docpipe::model
