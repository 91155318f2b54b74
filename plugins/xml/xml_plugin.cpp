// Output plugin `xml`: the model itself, <stem>.xml. The bytes are written
// exactly as the core serialised them (already UTF-8 and valid against
// formats/model.rng); checking them first only makes sure a malformed model
// is reported as bad input instead of being copied to the user.
#include <docpipe/sdk/plugin.hpp>

#include "support/model.hpp"
#include "support/scan.hpp"

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
    // The structure only, not the content, is needed: the DOM-free scan
    // takes the common case, pugixml the rest (and gives any error).
    ScanNothing structure_only;
    if (!scan_model(model, structure_only)) {
      pugi::xml_document doc;
      load_model(doc, model, pugi::parse_minimal);
    }
    write_file(target.path_for(".xml"), model);
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(XmlOutput)
