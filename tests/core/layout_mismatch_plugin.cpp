// An output plugin that takes the typed model but declares a model layout
// other than the host's (as one built with another standard library would):
// the host must not hand it its typed model, and calls `write` with the XML.
// Each path writes a file of its own suffix, so a test sees which was taken.
#include <docpipe/sdk/plugin.hpp>
#include <fstream>

namespace {

struct LayoutProbe {
  static constexpr const char *name = "layout-probe";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description = "test: which write the host calls";
  static constexpr const char *options = "";

  static void write(const docpipe::sdk::model::Document &, const docpipe::sdk::Options &,
                    const docpipe::sdk::OutputTarget &target) {
    std::ofstream(target.path_for(".typed")) << "typed\n";
  }
  static void write(std::string_view xml, const docpipe::sdk::Options &, const docpipe::sdk::OutputTarget &target) {
    std::ofstream(target.path_for(".xml-path"), std::ios::binary) << xml;
  }
};

}  // namespace

DOCPIPE_EXPORT const docpipe_plugin *docpipe_plugin_entry(void) {
  static const docpipe_plugin d = [] {
    docpipe_plugin p = docpipe::sdk::detail::output_descriptor<LayoutProbe>();
    p.model_layout = "docpipe-model-0;another-library";
    return p;
  }();
  return &d;
}
