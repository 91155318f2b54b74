// The one reader of the CSV files people write for docpipe (overrides,
// agency aliases): RFC 4180, with the line each record starts on so that an
// error names it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace docpipe {

struct CsvRecord {
  int line = 0;  // where the record starts (1-based)
  std::vector<std::string> fields;
};

// Records of `text` (an optional UTF-8 BOM; CRLF or LF; a quoted field may
// hold line breaks; empty lines are skipped). A quote left open throws
// docpipe::Error(config) "FILE:LINE: a quote is never closed", `file` being
// the name to show.
std::vector<CsvRecord> read_csv_records(std::string_view text, const std::string &file);

}  // namespace docpipe
