// A small RFC 4180 reader for the tidy values CSVs the runner combines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace docpipe::runner {

// Splits CSV text (optional UTF-8 BOM; CRLF or LF) into records of fields.
std::vector<std::vector<std::string>> read_csv(std::string_view text);

// One field, quoted when it needs to be.
std::string csv_field(std::string_view s);

}  // namespace docpipe::runner
