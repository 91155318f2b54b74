// What a report says about itself: its title, issuing body, year and date,
// read from the body the input plugin returned (step of the engine before
// the template stage; the agency key is added by the cross-year module).
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string>

namespace docpipe::engine {

// Title, issuing body, year and date of the report (empty when not found),
// from the body's first headings and paragraphs and its closing lines.
struct ReportMeta {
  std::string title, year, agency, date;
  std::string agency_key;  // across::agency_key (docs/cross-year.md); "" when nothing names the agency
};
ReportMeta report_metadata(const sdk::RawDocument &body);

}  // namespace docpipe::engine
