// Reader for Word .docx files (Office Open XML WordprocessingML), straight
// from the ZIP package: the main document part's paragraphs and tables in
// source order, with real merges (w:gridSpan -> colspan; w:vMerge -> rowspan
// on the first cell, and every continuation cell kept as a blank cell so the
// row keeps its full width, as the template stage expects).
//
// Line numbers: a .docx has no lines, so the model's "line" is the ordinal of
// a paragraph (w:p) in the main document part, counting the paragraphs inside
// table cells, in document order, from 1: as if the document were printed
// one paragraph per line (which is what Tika's text export of it does).
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string_view>

namespace docpipe::docx {

// Cheap: the ZIP magic and the central directory only, nothing inflated.
double probe(std::string_view bytes);
// Throws docpipe::sdk::Error(DOCPIPE_ERR_INPUT) for a file that is not a
// readable .docx.
void read(std::string_view bytes, sdk::RawDocument &doc);

}  // namespace docpipe::docx
