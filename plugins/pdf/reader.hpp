// Reader for PDF files with a text layer (WPS, Word, LibreOffice, browsers):
// glyph positions and ruling lines through MuPDF (extract.hpp), laid out as
// headings, paragraphs and tables (layout.hpp).
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string_view>

namespace docpipe::pdf {

// Cheap: the %PDF- header only.
double probe(std::string_view bytes);
// Throws docpipe::sdk::Error(DOCPIPE_ERR_INPUT) for an encrypted, scanned
// (no text layer) or damaged PDF, with a one-line reason.
void read(std::string_view bytes, sdk::RawDocument &doc);

}  // namespace docpipe::pdf
