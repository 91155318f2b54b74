#include <docpipe/sdk/plugin.hpp>

#include "reader.hpp"

namespace {

struct WordExport {
  static constexpr const char *name = "word-export";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description = "Apache Tika text of Word files (a table cell per TAB-led line)";
  static constexpr const char *options = "";
  static double probe(std::string_view text) { return docpipe::word_export::probe(text); }
  static void parse(std::string_view text, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &doc) {
    docpipe::word_export::read(text, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(WordExport)
