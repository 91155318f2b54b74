// Output plugin `xml`: the model itself, <stem>.xml. The bytes are written
// exactly as the core serialised them (already UTF-8 and valid against
// formats/model.rng); parsing them first only makes sure a malformed model is
// reported as bad input instead of being copied to the user.
#include <docpipe/sdk/plugin.hpp>

#include "support/model.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;

struct XmlOutput {
  static constexpr const char *name = "xml";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description = "The docpipe model as XML (formats/model.rng)";
  static constexpr const char *options = "";

  static void write(std::string_view model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {});
    pugi::xml_document doc;
    load_model(doc, model, pugi::parse_minimal);  // structure only: the check, not the content, is needed
    write_file(target.path_for(".xml"), model);
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(XmlOutput)
