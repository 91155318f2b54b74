// Text helpers the core offers to plugins (implemented with ICU in the
// docpipe_sdk library, so that host and plugins share one ICU). Every input
// is valid UTF-8: the core decoded it before any plugin saw it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docpipe::sdk {

// Code points of a valid UTF-8 string.
std::u32string to_u32(std::string_view utf8);
std::string to_utf8(std::u32string_view text);
// The same without a new string, for loops over many lines or cells:
// decode_utf8 writes the code points of `utf8` to `out` (room for
// utf8.size() of them) and returns their count; append_utf8 appends the
// encoding of `text` to `out`.
size_t decode_utf8(std::string_view utf8, char32_t *out);
void append_utf8(std::u32string_view text, std::string &out);

// East Asian Width: W and F count 2 columns, everything else 1 (A counts 1),
// combining marks and zero-width characters 0.
int char_width(char32_t c);
int display_width(std::string_view utf8);

bool is_han(char32_t c);
// CJK punctuation and full-width forms: （）【】、，。：；“”《》 etc.
bool is_cjk_punct(char32_t c);
// Any Unicode white space, including NBSP, EN SPACE and IDEOGRAPHIC SPACE.
bool is_space(char32_t c);

// Trims Unicode white space at both ends.
std::string trim(std::string_view utf8);
// The part of `utf8` that trim() keeps, without a copy: trim(s) ==
// trim_view(s) for valid UTF-8 (trim() re-encodes an ill-formed sequence).
std::string_view trim_view(std::string_view utf8);
// True when the text is empty or only white space (a blank cell, never 0).
bool is_blank(std::string_view utf8);

// to_u32(s).front() and to_u32(s).back() without decoding the rest; 0 for "".
char32_t first_code_point(std::string_view utf8);
char32_t last_code_point(std::string_view utf8);

// Removes a single ASCII space whose two neighbours are both Han characters
// or CJK punctuation ("自 然 人" -> "自然人", "申 请数量" -> "申请数量"). A run
// of two or more spaces, and a space next to a digit or Latin letter, stay.
std::string remove_cjk_spaces(std::string_view utf8);

// The mark that makes a Chinese numeral an enumerator ("三、"): 、 in the
// official text, and what typists and exports put instead: ． . ， ,
bool is_numeral_mark(char32_t c);

// The level of a numbered section heading of the official reports: 1 for
// "一、总体情况" (or "一．总体情况", see is_numeral_mark), 2 for "（一）…" / "(一)…"; 0 when the text is not one (or
// is longer than a heading, 40 characters: a numbered sentence is prose).
int numbered_heading_level(std::string_view utf8);

// Splits on '\n' (the core already turned CRLF and CR into LF).
std::vector<std::string_view> split_lines(std::string_view text);

// Bytes that are not text (file names are bytes: a GBK name from an archive
// unzipped on Chinese Windows is not UTF-8).
//
// The offset of the first byte of `bytes` that is not part of well-formed
// UTF-8 (Unicode 3.9: no overlong forms, no surrogates, nothing above
// U+10FFFF), or std::string_view::npos when all of it is. Every writer of
// XML, XLSX, CSV and JSON text calls this before it emits anything and
// refuses text that fails it.
size_t invalid_utf8_at(std::string_view bytes);
inline bool is_utf8(std::string_view bytes) { return invalid_utf8_at(bytes) == std::string_view::npos; }

// The one reversible escape that shows such bytes as text, wherever docpipe
// shows a file name (models, spreadsheets, CSV, JSON, the ledger's reports):
// well-formed UTF-8 is kept as it is, except that a backslash becomes "\\";
// every byte of an ill-formed sequence, and every control byte (0x00-0x1F,
// 0x7F: they are not allowed in XML), becomes "\xHH" (two upper-case hex
// digits). The result is always valid UTF-8, and
// unescape_bytes(escape_bytes(b)) == b for any bytes b.
std::string escape_bytes(std::string_view bytes);
// The inverse; std::nullopt when `text` holds a backslash that is neither
// "\\" nor "\x" followed by two hex digits.
std::optional<std::string> unescape_bytes(std::string_view text);

}  // namespace docpipe::sdk
