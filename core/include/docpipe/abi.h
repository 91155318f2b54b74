/* docpipe plugin ABI: the only thing that crosses a plugin boundary.
 *
 * Pure C so that a plugin is tied neither to one compiler nor to one standard
 * library. Every pointer has an owner and a lifetime stated next to it; no C++
 * exception, STL object or pugixml object ever crosses. Data crosses as bytes:
 * input plugins hand back the raw model serialised as XML, output plugins
 * receive the whole model serialised as XML (as pandoc filters exchange the
 * serialised AST).
 *
 * Versioning: a plugin is accepted when its abi_major equals the host's and
 * its abi_minor is <= the host's. Minor versions only append fields at the end
 * of docpipe_plugin; `struct_size` tells the host which fields exist
 * (DOCPIPE_PLUGIN_HAS), so a host reads a field only when the plugin has it.
 *
 * History: 1.0 the first ABI. 1.1 appends `input_form` (input plugins of
 * binary forms, such as .docx, receive the file's bytes undecoded). 1.2
 * appends `parse_hinted` (optional): parse plus the shape hints, what the
 * loaded templates declare about the official tables (formats/HINTS.md), so
 * that a reader needs no table shape in code. A 1.0 or 1.1 plugin, or one
 * whose parse_hinted is NULL, is called through `parse` as before. 1.3
 * appends `model_layout` and `write_typed` (optional): an output plugin
 * built against the same SDK as the host receives the host's typed model
 * instead of its XML, so an in-process plugin parses nothing; any other
 * plugin is called through `write` with the XML as before. 1.4 appends
 * `parse_typed` (optional): the input side of 1.3, an input plugin built
 * against the same SDK as the host fills the host's typed body instead of
 * writing its XML, so the host parses nothing; any other plugin is called
 * through `parse_hinted` or `parse` as before.
 */
#ifndef DOCPIPE_ABI_H
#define DOCPIPE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DOCPIPE_ABI_MAJOR 1
#define DOCPIPE_ABI_MINOR 4

/* The one exported symbol of every plugin. */
#define DOCPIPE_PLUGIN_ENTRY_SYMBOL "docpipe_plugin_entry"

typedef enum docpipe_plugin_kind { DOCPIPE_KIND_INPUT = 1, DOCPIPE_KIND_OUTPUT = 2 } docpipe_plugin_kind;

typedef enum docpipe_status {
  DOCPIPE_OK = 0,
  DOCPIPE_ERR_INPUT = 1,   /* the input cannot be made sense of */
  DOCPIPE_ERR_OUTPUT = 2,  /* an output could not be written */
  DOCPIPE_ERR_OPTION = 3,  /* an unknown or invalid option */
  DOCPIPE_ERR_INTERNAL = 4 /* a bug: an exception caught at the boundary */
} docpipe_status;

/* Host-owned byte sink. `write` may be called any number of times; the bytes
 * are copied before it returns. Returns 0 on success. */
typedef struct docpipe_sink {
  void *ctx;
  int (*write)(void *ctx, const char *data, size_t len);
} docpipe_sink;

/* Host-owned error sink: the message (UTF-8, NUL-terminated) is copied. */
typedef struct docpipe_error_sink {
  void *ctx;
  void (*report)(void *ctx, const char *message);
} docpipe_error_sink;

/* Host-owned output target. An output plugin asks for one temporary path per
 * file it produces, naming the file by a suffix appended to the input's stem
 * (".xlsx", ".T1.csv"). The returned string belongs to the host and lives
 * until the write call returns. The host renames every file into place only
 * after `write` returned DOCPIPE_OK, and removes them otherwise, so a failed
 * or crashed output never leaves a half file. Returns NULL when the suffix is
 * refused (e.g. it would leave the output folder). */
typedef struct docpipe_output_target {
  void *ctx;
  const char *(*file_path)(void *ctx, const char *suffix);
} docpipe_output_target;

/* Options as "key=value" pairs, host-owned, valid during the call. */
typedef struct docpipe_options {
  size_t count;
  const char *const *keys;
  const char *const *values;
} docpipe_options;

/* What an input plugin's probe and parse receive (ABI 1.1; a 1.0 plugin is
 * DOCPIPE_INPUT_TEXT). */
typedef enum docpipe_input_form {
  /* The text the core decoded: valid UTF-8, LF line ends, no BOM. */
  DOCPIPE_INPUT_TEXT = 0,
  /* The file's bytes exactly as read, never decoded (a binary form: a ZIP,
   * an OLE file). In automatic detection such plugins are probed on the bytes
   * first; when one claims the file (score >= the host's threshold) it is
   * not decoded as text at all. Line numbers in the model are then the
   * plugin's own unit (stated in its documentation). */
  DOCPIPE_INPUT_BYTES = 1
} docpipe_input_form;

/* Input plugins.
 * probe: how likely `text` (valid UTF-8, LF line ends; raw bytes for
 *   DOCPIPE_INPUT_BYTES) is this plugin's form,
 *   0.0 (surely not) to 1.0 (surely). Must be cheap: only a prefix may be read.
 * parse: writes the raw model body (<body> element of formats/model.rng) to
 *   `out`. Diagnostics about the input go inside that XML; `err` gets the
 *   reason when the status is not DOCPIPE_OK. */
typedef double (*docpipe_probe_fn)(const char *text, size_t len);
typedef int (*docpipe_parse_fn)(const char *text, size_t len, const docpipe_options *options, const docpipe_sink *out,
                                const docpipe_error_sink *err);

/* ABI 1.2: parse with the shape hints. `hints_xml` (UTF-8, not
 * NUL-terminated, host-owned, valid during the call) is a <shape-hints>
 * document (formats/HINTS.md, schema formats/hints.rng) describing every
 * table variant of the loaded templates: header labels by level, leaf
 * columns, row labels with their group labels, value cells per row. The same
 * bytes for every call of one host process. */
typedef int (*docpipe_parse_hinted_fn)(const char *text, size_t len, const docpipe_options *options,
                                       const char *hints_xml, size_t hints_len, const docpipe_sink *out,
                                       const docpipe_error_sink *err);

/* ABI 1.4, input plugins, optional: parse_hinted (`hints_xml` as there)
 * into the host's typed body, a `docpipe::sdk::RawDocument *`
 * (docpipe/sdk/raw_document.hpp), host-owned, empty at the call, valid
 * during it; the plugin fills it. Called only when the plugin's
 * `model_layout` equals the host's, as write_typed is; the host checks the
 * body's text as it checks a body read from XML. The C++ SDK fills this
 * entry and `parse_hinted` from one parse function. */
typedef int (*docpipe_parse_typed_fn)(const char *text, size_t len, const docpipe_options *options,
                                      const char *hints_xml, size_t hints_len, void *body,
                                      const docpipe_error_sink *err);

/* Output plugins: `model_xml` is the complete model document. */
typedef int (*docpipe_write_fn)(const char *model_xml, size_t len, const docpipe_options *options,
                                const docpipe_output_target *target, const docpipe_error_sink *err);

/* ABI 1.3, output plugins, optional: the model as the host holds it, a
 * `const docpipe::sdk::model::Document *` (docpipe/sdk/model.hpp), host-owned,
 * read-only, valid during the call. The one exception to "no C++ object
 * crosses": the host calls it only when the plugin's `model_layout` string
 * equals the host's DOCPIPE_MODEL_LAYOUT (same model version, same standard
 * library ABI), and both use the one loaded SDK library; otherwise it calls
 * `write` with the XML. The C++ SDK (docpipe/sdk/plugin.hpp) fills both
 * entries from one write function, so a plugin author never sees this. */
typedef int (*docpipe_write_typed_fn)(const void *model, const docpipe_options *options,
                                      const docpipe_output_target *target, const docpipe_error_sink *err);

typedef struct docpipe_plugin {
  uint32_t abi_major; /* first, so a host of any version can read it */
  uint32_t abi_minor;
  uint32_t struct_size; /* sizeof(docpipe_plugin) as the plugin saw it */
  uint32_t kind;        /* docpipe_plugin_kind */
  const char *name;     /* "word-export"; static storage */
  const char *version;  /* "1.0.0"; static storage */
  const char *description;
  /* Comma-separated option names the plugin accepts ("" = none). */
  const char *options;
  docpipe_probe_fn probe; /* input only, else NULL */
  docpipe_parse_fn parse; /* input only, else NULL */
  docpipe_write_fn write; /* output only, else NULL */
  /* ---- ABI 1.1 ---- */
  uint32_t input_form; /* docpipe_input_form; input only (0 for outputs) */
  /* ---- ABI 1.2 ---- */
  docpipe_parse_hinted_fn parse_hinted; /* input only, optional (NULL: the host calls parse) */
  /* ---- ABI 1.3 ---- */
  const char *model_layout;           /* with write_typed or parse_typed: DOCPIPE_MODEL_LAYOUT; else NULL */
  docpipe_write_typed_fn write_typed; /* output only, optional (NULL: the host calls write) */
  /* ---- ABI 1.4 ---- */
  docpipe_parse_typed_fn parse_typed; /* input only, optional (NULL: the host calls parse_hinted or parse) */
} docpipe_plugin;

/* True when the descriptor `p` (a const docpipe_plugin *) is large enough to
 * hold `field`: fields of a newer minor than the plugin's are not read. */
#define DOCPIPE_PLUGIN_HAS(p, field) \
  ((p)->struct_size >= offsetof(docpipe_plugin, field) + sizeof(((const docpipe_plugin *)0)->field))

/* sizeof(docpipe_plugin) in ABI 1.0: the smallest descriptor a host accepts. */
#define DOCPIPE_PLUGIN_SIZE_1_0 offsetof(docpipe_plugin, input_form)

/* sizeof(docpipe_plugin) in ABI 1.1. */
#define DOCPIPE_PLUGIN_SIZE_1_1 offsetof(docpipe_plugin, parse_hinted)

/* sizeof(docpipe_plugin) in ABI 1.2. */
#define DOCPIPE_PLUGIN_SIZE_1_2 offsetof(docpipe_plugin, model_layout)

/* sizeof(docpipe_plugin) in ABI 1.3. */
#define DOCPIPE_PLUGIN_SIZE_1_3 offsetof(docpipe_plugin, parse_typed)

typedef const docpipe_plugin *(*docpipe_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DOCPIPE_ABI_H */
