#include "reader.hpp"

#include <docpipe/sdk/plugin.hpp>
#include <string>

#include "extract.hpp"
#include "layout.hpp"

namespace docpipe::pdf {

double probe(std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-") return 0.99;
  // The header may follow some bytes of junk (readers accept it within 1 KB).
  return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos ? 0.9 : 0.0;
}

void read(std::string_view bytes, sdk::RawDocument &doc) {
  const Extracted pdf = extract(bytes);
  size_t glyphs = 0;
  int images = 0;
  for (const Page &p : pdf.pages) glyphs += p.glyphs.size(), images += p.images;
  if (glyphs == 0) {
    if (pdf.repaired)
      throw sdk::Error(DOCPIPE_ERR_INPUT,
                       "damaged PDF: its cross-reference table had to be rebuilt and no text was "
                       "found in what remains (" +
                           std::to_string(pdf.pages.size()) + " pages)");
    if (images > 0)
      throw sdk::Error(
          DOCPIPE_ERR_INPUT,
          "scanned PDF: no text layer, only images; OCR it first (e.g. ocrmypdf -l chi_sim IN.pdf OUT.pdf)");
    throw sdk::Error(DOCPIPE_ERR_INPUT, "PDF without text: its pages hold no characters and no images");
  }
  lay_out(pdf.pages, doc);
  if (pdf.repaired)
    doc.diagnose(sdk::Severity::error, 0, "damaged-pdf",
                 "the PDF is damaged (its cross-reference table was rebuilt): content may be missing");
  bool has_table = false;
  for (const auto &b : doc.blocks()) has_table |= b.kind == sdk::Block::Kind::table;
  if (!has_table) doc.diagnose(sdk::Severity::warning, 0, "no-table", "no ruled table found in the PDF");
}

}  // namespace docpipe::pdf
