// Reader for Apache Tika's text of Word (.docx) files: a table cell is a line
// starting with TAB, a cell's further paragraphs follow on lines without a
// TAB, each row ends with a blank line, and Word's bookmarks leak in as
// "[bookmark: NAME]". Tika keeps no span information, so rows are kept as
// they come (ragged); the template stage recovers the real layout.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string_view>

namespace docpipe::word_export {

double probe(std::string_view text);
void read(std::string_view text, sdk::RawDocument &doc);

}  // namespace docpipe::word_export
