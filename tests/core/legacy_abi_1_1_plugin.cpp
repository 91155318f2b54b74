// An input plugin as a 1.1 build made it: its descriptor ends at input_form
// (no parse_hinted). A 1.2 host must load it, never read past its end, and
// call it through parse.
#include <docpipe/abi.h>

#include <cstring>

namespace {

struct Descriptor11 {  // docpipe_plugin as ABI 1.1 declared it
  uint32_t abi_major, abi_minor, struct_size, kind;
  const char *name, *version, *description, *options;
  docpipe_probe_fn probe;
  docpipe_parse_fn parse;
  docpipe_write_fn write;
  uint32_t input_form;
};

double probe(const char *, size_t) { return 0.0; }

int parse(const char *, size_t, const docpipe_options *, const docpipe_sink *out, const docpipe_error_sink *) {
  static const char body[] = "<body>\n  <paragraph first-line=\"1\" last-line=\"1\">legacy 1.1</paragraph>\n</body>\n";
  return out->write(out->ctx, body, std::strlen(body)) == 0 ? DOCPIPE_OK : DOCPIPE_ERR_INTERNAL;
}

const Descriptor11 kDescriptor{
    1,       1, sizeof(Descriptor11), DOCPIPE_KIND_INPUT, "legacy-1-1", "1.0.0", "a 1.1 plugin", "", &probe, &parse,
    nullptr, 0};

}  // namespace

extern "C" __attribute__((visibility("default"))) const docpipe_plugin *docpipe_plugin_entry(void) {
  static_assert(sizeof(Descriptor11) == DOCPIPE_PLUGIN_SIZE_1_1 ||
                    sizeof(Descriptor11) == DOCPIPE_PLUGIN_SIZE_1_1 + 4,  // tail padding
                "the 1.1 layout is a prefix of docpipe_plugin");
  return reinterpret_cast<const docpipe_plugin *>(&kDescriptor);
}
