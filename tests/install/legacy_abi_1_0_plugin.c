/* A plugin built for ABI 1.0, whose descriptor ends before the fields that
 * ABI 1.1 appended (input_form): the host must accept it, read none of the
 * newer fields, and give it the decoded text. Written in C on purpose. */
#include <docpipe/abi.h>
#include <string.h>

typedef struct plugin_1_0 {
  uint32_t abi_major, abi_minor, struct_size, kind;
  const char *name, *version, *description, *options;
  docpipe_probe_fn probe;
  docpipe_parse_fn parse;
  docpipe_write_fn write;
} plugin_1_0;

static double probe(const char *text, size_t len) {
  (void)text;
  (void)len;
  return 0.0; /* never claims a file: only chosen with -f legacy-1-0 */
}

static int parse(const char *text, size_t len, const docpipe_options *options, const docpipe_sink *out,
                 const docpipe_error_sink *err) {
  (void)options;
  /* Text plugins see valid UTF-8 without NUL bytes: the core decoded it. */
  if (memchr(text, '\0', len) != NULL) {
    err->report(err->ctx, "got undecoded bytes");
    return DOCPIPE_ERR_INPUT;
  }
  static const char body[] = "<body><paragraph first-line=\"1\" last-line=\"1\">legacy</paragraph></body>";
  return out->write(out->ctx, body, sizeof body - 1) == 0 ? DOCPIPE_OK : DOCPIPE_ERR_INTERNAL;
}

static const plugin_1_0 descriptor = {
    1, 0, sizeof(plugin_1_0), DOCPIPE_KIND_INPUT, "legacy-1-0", "1.0.0", "built for ABI 1.0", "", probe, parse, NULL};

__attribute__((visibility("default"))) const docpipe_plugin *docpipe_plugin_entry(void) {
  return (const docpipe_plugin *)(const void *)&descriptor;
}
