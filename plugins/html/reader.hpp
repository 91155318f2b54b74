// Reader for HTML pages with libxml2's HTML parser (forgiving, no network, no
// entity loading): the article's headings and paragraphs, and its data tables
// with rowspan/colspan as the model's spans. See README.md for the rules.
//
// Line numbers: a model line is a line of the page's source (after
// decoding): a cell's is the line of its <td>/<th> tag, a paragraph's the
// lines its text spans.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <string_view>

namespace docpipe::html {

// Cheap: the start of the bytes only.
double probe(std::string_view bytes);

// The page as UTF-8: BOM, then <meta charset> / <meta http-equiv> in the
// first 4 KB, then UTF-8, then GB18030; strict (an invalid byte is an
// error, never U+FFFD). `decision` says which and why.
std::string decode(std::string_view bytes, std::string &decision);

// Throws docpipe::sdk::Error(DOCPIPE_ERR_INPUT) for bytes that are not a
// readable page.
void read(std::string_view bytes, sdk::RawDocument &doc);

}  // namespace docpipe::html
