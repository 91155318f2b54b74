#include <docpipe/sdk/plugin.hpp>

#include "reader.hpp"

namespace {

struct Docx {
  static constexpr const char *name = "docx";
  static constexpr const char *version = DOCPIPE_DOCX_VERSION;
  static constexpr const char *description = "Word .docx files, read directly (paragraphs, headings, merged tables)";
  static constexpr const char *options = "";
  // A .docx is a ZIP: the core hands over the file's bytes, undecoded.
  static constexpr docpipe_input_form input_form = DOCPIPE_INPUT_BYTES;
  static double probe(std::string_view bytes) { return docpipe::docx::probe(bytes); }
  static void parse(std::string_view bytes, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &doc) {
    docpipe::docx::read(bytes, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(Docx)
