// What kind of file an input is, told from its bytes (magic numbers, a ZIP's
// parts, markup), never from its name, before anything is decoded. The engine
// routes by it: binary and markup kinds go only to the input plugins that read
// bytes; text goes to the decoder and the text plugins.
#pragma once

#include <string>
#include <string_view>

namespace docpipe {

enum class FileKind {
  pdf,   // %PDF-
  docx,  // ZIP with word/document.xml
  xlsx,  // ZIP with xl/workbook.xml
  zip,   // any other ZIP (or one too damaged to list)
  html,  // <!DOCTYPE html, <html, or mostly markup, in any supported encoding
  doc,   // OLE2 compound file with a WordDocument stream (Word 97-2003)
  wps,   // the same, written by Kingsoft WPS (its KSOProductBuildVer property): .wps / .doc
  xls,   // OLE2 with a Workbook or Book stream (Excel 97-2003, WPS Spreadsheets)
  ole2,  // any other OLE2 compound file (PowerPoint, Works, ...)
  rtf,   // {\rtf
  png,
  jpeg,
  gif,
  tiff,
  bmp,
  text,            // anything else without control bytes: the text decoder decides
  binary_unknown,  // control bytes, and no kind above
};

FileKind recognise_kind(std::string_view bytes);

// Short stable name ("pdf", "docx", "html", "image-png", ...), as `inspect` shows it.
const char *kind_name(FileKind kind);
// For people: "legacy Word .doc file", "PNG image".
const char *kind_description(FileKind kind);
// What to do when no input plugin reads this kind ("" when nothing to say).
const char *kind_advice(FileKind kind);
// Text: decoded in the core and read by the text plugins; every other kind
// goes only to plugins that read bytes.
bool is_text_kind(FileKind kind);

}  // namespace docpipe
