// Parsing of TAB-separated report exports into the raw model.
//
// Three families of input share this form and are told apart per table, not
// per file:
//  * fixed grids: every line of a table has the same field count, blank cells
//    are empty fields, merged cells are padded (PDF table exporters such as
//    seed 003, LibreOffice Calc CSV exports of .xlsx or HTML). Columns are
//    grid positions; the header rows tell which grid columns hold values.
//  * ragged rows: `pdftotext -layout | sed 's/ {2,}/\t/g'` output, where empty
//    cells vanished, wrapped label text sits on its own lines and values are
//    the trailing numeric fields of a line.
//  * narrative text around the tables, either plain lines or (Calc) lines of
//    the same grid with only the first field filled.
// Stateless: safe to call from several threads.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <string_view>

namespace docpipe::tsv {

// 0..1: how likely `text` is this form. Reads at most a prefix.
double probe(std::string_view text);

// Builds headings, paragraphs and tables into `doc`. Throws
// sdk::Error(DOCPIPE_ERR_INPUT) only when nothing at all is usable.
void parse(std::string_view text, sdk::RawDocument &doc);

// Exposed for the unit tests.
// True for a cell that reads as a value: a number (signs, thousands
// separators, decimals, full-width digits, a trailing unit) or a placeholder
// for "nothing" (-, —, /, N/A, 不适用, 无).
bool is_value_like(std::string_view text);
// Level of a leading enumerator: 0 for 一、, 1 for （一） / (一), 2 for 1. 1、
// 1． （1）; -1 when the text does not start with one.
int enumerator_level(std::string_view text);
// Joins two pieces of one wrapped label: no separator between CJK
// characters, one space otherwise; CJK letter-spacing is removed.
std::string join_pieces(std::string_view a, std::string_view b);

}  // namespace docpipe::tsv
