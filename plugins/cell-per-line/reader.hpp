// Reader for text with a table cell per line and no row marks: LibreOffice's
// text export of a .docx (`soffice --convert-to txt`), `lynx -dump` of pages
// whose cells hold <p>, text copied from a browser or saved by a crawler.
// Nothing in the text says where a row ends, so the reader takes the tables'
// shapes from the shape hints of the loaded templates (formats/HINTS.md):
// header labels, row labels with their group labels, and how many value cells
// follow each row label. Empty and NBSP-only lines inside a row are blank
// cells; text before, between and after the tables stays paragraphs. A row
// whose value cells are interrupted by a label is not placed but reported
// (`unplaced-cells`, an error: the report goes to review), never guessed.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <docpipe/sdk/shape_hints.hpp>
#include <string_view>

namespace docpipe::cell_per_line {

double probe(std::string_view text);
void read(std::string_view text, const sdk::ShapeHints &hints, sdk::RawDocument &doc);

}  // namespace docpipe::cell_per_line
