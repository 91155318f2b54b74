// The `space-aligned` input plugin: the parser lives in the static library
// docpipe_space_aligned (src/), this file only binds it to the plugin ABI
// (1.2: it takes the shape hints).
#include <docpipe/sdk/plugin.hpp>

#include "src/layout.hpp"

namespace {

struct SpaceAligned {
  static constexpr const char *name = "space-aligned";
  static constexpr const char *version = "0.1.0";
  static constexpr const char *description =
      "Space-aligned text: pdftotext -layout, w3m/lynx dumps, pandoc plain tables, box-drawn tables";
  static constexpr const char *options = "";

  static double probe(std::string_view text) { return docpipe::space_aligned::probe(text); }

  static void parse(std::string_view text, const docpipe::sdk::Options &, const docpipe::sdk::ShapeHints &hints,
                    docpipe::sdk::RawDocument &doc) {
    docpipe::space_aligned::parse(text, hints, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(SpaceAligned)
