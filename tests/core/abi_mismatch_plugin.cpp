// A plugin that claims an ABI major version the host does not speak: the
// loader must refuse it before using anything else of it.
#include <docpipe/abi.h>

extern "C" __attribute__((visibility("default"))) const docpipe_plugin *docpipe_plugin_entry(void) {
  static const docpipe_plugin d = {DOCPIPE_ABI_MAJOR + 98,
                                   0,
                                   sizeof(docpipe_plugin),
                                   DOCPIPE_KIND_INPUT,
                                   "from-the-future",
                                   "9.0.0",
                                   "built for ABI 99",
                                   "",
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   0,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr};
  return &d;
}
