// Pages of glyphs and rules (page.hpp) -> the raw model: tables whose cells
// are the boxes the ruling lines enclose, and the text around them as
// headings and paragraphs, in reading order. No MuPDF here: the geometry is
// plain data, so it is tested without PDF files.
//
// Line numbers: a PDF has no lines of text, so a "line" of the model is
// page * 1000 + the ordinal of a printed text line on its page (1 for the top
// one; text lines side by side on one baseline, in neighbouring cells, share
// it). 2007 is page 2, seventh line from the top.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <vector>

#include "page.hpp"

namespace docpipe::pdf {

constexpr int kLinesPerPage = 1000;

void lay_out(const std::vector<Page> &pages, sdk::RawDocument &doc);

}  // namespace docpipe::pdf
