// Output plugin `xml`: the model itself, <stem>.xml. From the host's typed
// model (ABI 1.3) it is written by the SDK's one XML writer
// (docpipe/sdk/model.hpp), valid against formats/model.rng: the one place a
// `convert` serialises the model when every output plugin takes the typed
// model (docs/model.md). A host that sends XML gets its bytes back as sent,
// once the SDK's reader has taken them (a malformed model is bad input,
// never copied to the user).
#include <docpipe/sdk/model.hpp>
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

  static void write(const sdk::model::Document &model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {});
    std::string xml;
    try {
      sdk::model::write_xml(model, xml);
    } catch (const sdk::model::ModelError &e) {
      throw Error(DOCPIPE_ERR_INPUT, e.what());
    }
    write_text(target.path_for(".xml"), xml);
  }

  static void write(std::string_view xml, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {});
    try {
      (void)sdk::model::read_xml(xml);
    } catch (const sdk::model::ModelError &e) {
      throw Error(DOCPIPE_ERR_INPUT, e.what());
    }
    write_text(target.path_for(".xml"), xml);  // read_xml checked its UTF-8
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(XmlOutput)
