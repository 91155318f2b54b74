// The one part of the pdf reader that talks to MuPDF: opens a PDF held in
// memory and turns each page into glyphs and ruling lines (page.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "page.hpp"

namespace docpipe::pdf {

struct Extracted {
  std::vector<Page> pages;
  bool repaired = false;  // MuPDF had to rebuild a damaged cross-reference table
};

// Throws docpipe::sdk::Error(DOCPIPE_ERR_INPUT) with a one-line reason for
// a PDF that needs a password or that MuPDF cannot open or read.
Extracted extract(std::string_view bytes);

}  // namespace docpipe::pdf
