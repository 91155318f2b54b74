// Strict charset conversion to UTF-8 with ICU, the one the core decodes text
// with, offered to input plugins that read bytes in a declared charset (an
// HTML page's <meta charset="gbk">). Implemented in the docpipe_sdk library.
#pragma once

#include <string>
#include <string_view>

namespace docpipe::sdk {

// Converts `bytes` in `charset` (an ICU converter name or alias: "UTF-8",
// "GB18030", "GBK", "UTF-16LE", "windows-1252") to UTF-8 in `utf8`. Strict:
// false when a byte sequence is invalid or unmapped in that charset (never a
// U+FFFD substitute) or the result holds an unpaired surrogate. Throws
// std::invalid_argument when ICU knows no such charset.
bool convert_strict(std::string_view charset, std::string_view bytes, std::string &utf8);

}  // namespace docpipe::sdk
