// The typed model of one report (formats/MODEL.md, formats/model.rng,
// docs/model.md): metadata, the body an input plugin read (headings,
// paragraphs, tables with spans and source lines: sdk::RawDocument), the
// template stage's records, unmapped items and checks, the verdict and the
// template stage's diagnostics. With it, one XML writer and one XML reader:
// XML is what crosses the plugin ABI (input plugins send a <body>, output
// plugins of ABI 1.2 and older receive the whole <document>) and what the
// `xml` output writes; inside the core and in output plugins of ABI 1.3 the
// model stays typed (docpipe/abi.h: write_typed).
//
// The writer lays the XML out as pugixml does (two-space indent,
// `<e a="v" />`, text inline) and escapes as pugixml escapes, so a model
// reads and prints the same whichever wrote it. The reader takes what
// formats/model.rng describes; an element or attribute the schema does not
// have is not kept, and body diagnostics come after the blocks.
#pragma once

#include <cstdint>
#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// The C++ layout of the types below, as the compiler and standard library
// of the including code see them. The host hands its typed model to an
// output plugin (abi.h: write_typed) only when the plugin was compiled with
// the same string. Bump the leading number whenever a type of this header
// or of raw_document.hpp / cells.hpp changes.
#define DOCPIPE_MODEL_LAYOUT_STR2(x) #x
#define DOCPIPE_MODEL_LAYOUT_STR(x) DOCPIPE_MODEL_LAYOUT_STR2(x)
#if defined(_LIBCPP_VERSION)
#define DOCPIPE_MODEL_LAYOUT_LIB "libc++-" DOCPIPE_MODEL_LAYOUT_STR(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#define DOCPIPE_MODEL_LAYOUT_LIB "libstdc++-cxx11abi" DOCPIPE_MODEL_LAYOUT_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define DOCPIPE_MODEL_LAYOUT_LIB "other"
#endif
#if defined(_GLIBCXX_DEBUG) || defined(_LIBCPP_DEBUG)
#define DOCPIPE_MODEL_LAYOUT_DEBUG "-debug"
#else
#define DOCPIPE_MODEL_LAYOUT_DEBUG ""
#endif
#define DOCPIPE_MODEL_LAYOUT                                             \
  "docpipe-model-1;" DOCPIPE_MODEL_LAYOUT_LIB DOCPIPE_MODEL_LAYOUT_DEBUG \
  ";ptr" DOCPIPE_MODEL_LAYOUT_STR(__SIZEOF_POINTER__)

namespace docpipe::sdk::model {

inline constexpr const char *kModelVersion = "1.0";

// ---- metadata ----
struct Source {
  std::string path;  // as given, shown by sdk::escape_bytes (always UTF-8)
  std::string name;  // file name, or the path below the input root in bulk runs
  std::string sha256;
  uint64_t bytes = 0;
};

struct Encoding {
  std::string name;  // utf-8, gb18030, utf-16le, utf-16be, none
  bool bom = false;
  std::string line_endings;  // lf, crlf, cr, mixed, none
  std::string decision;      // why, for people
};

struct Input {
  std::string plugin, version;
  double confidence = 0;  // the probe score, written with two decimals
};

// Empty strings are absent attributes.
struct Report {
  std::string title, year, agency, date;
  std::string agency_key;  // the normalised agency (docs/cross-year.md); "" when nothing names the agency
};

struct Producer {
  std::string name, version;
};

struct Metadata {
  Source source;
  Encoding encoding;
  Input input;
  Report report;
  Producer producer;
};

// ---- template stage ----
struct TemplateTable {
  std::string id, name, variant;  // variant: the layout the table matched
  // Header texts the official form prints apart (template.rng): the note in
  // the top-left corner (勾稽关系) and the band over the value columns
  // (申请人情况); "" when the table has none.
  std::string corner, band;
};

struct TemplateRef {
  std::string id, title;
  std::vector<TemplateTable> tables;  // the tables seen
};

const char *state_name(ValueState s);  // "blank", "number", "placeholder", "text"

// The same values, in the same order, as the template stage's Placement.
enum class Placement { direct, aligned, tie_break, header_only, absent, override_ };
// "direct", "aligned", "tie-break", "header-only", "absent", "override"
const char *placement_name(Placement p);

// One template cell. Its id in the XML is "c" + (index + 1).
struct Record {
  std::string table, row, column;  // table name; label paths, levels joined by "/"
  std::string value;               // the cell text trimmed, exactly as in the source; "" = blank
  ValueState state = ValueState::blank;
  std::string number;  // canonical decimal when state == number
  std::string unit;
  Placement placement = Placement::direct;
  LineRange lines;  // {0, 0}: no source line (an absent cell)
  // placement == override_: a correction by hand (docs/review.md): where it
  // is (FILE:LINE), why, and the value read before it (had_read: the source
  // had such a cell).
  std::string origin, note, read;
  bool had_read = false;
};

struct UnmappedItem {
  LineRange lines;
  std::string reason, text;
};

enum class CheckResult { pass, blank_pass, fail };
const char *check_result_name(CheckResult r);  // "pass", "blank-pass", "fail"

struct Check {
  std::string identity, table, row, column;  // row or column may be ""
  CheckResult result = CheckResult::pass;
  std::string expected, actual;  // canonical decimals
  bool tie_break = false;
  std::vector<size_t> expected_cells, actual_cells;  // indices into Document::records
};

struct Reason {
  std::string code, text;
};

struct Verdict {
  bool ok = true;  // status="ok", else "review"
  std::vector<Reason> reasons;
};

struct Document {
  Metadata metadata;
  RawDocument body;                 // what the input plugin read, with its diagnostics
  std::optional<TemplateRef> tmpl;  // absent: no template recognised
  std::vector<Record> records;      // template order
  std::vector<UnmappedItem> unmapped;
  std::vector<Check> checks;
  Verdict verdict;
  std::vector<Diagnostic> diagnostics;  // the template stage's own
};

// A model (or body) that cannot be read: the reason, with pugixml's
// description and byte offset where the XML is not well-formed.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The whole document as XML (with the declaration), appended to `out`. A
// Document holds valid UTF-8 (the host checks an input plugin's text as it
// enters, read_xml checks its XML): nothing is checked again here.
void write_xml(const Document &doc, std::string &out);
std::string to_xml(const Document &doc);

// Reads a whole model document (<document model-version="1.x">). Throws
// ModelError: "the model is not valid UTF-8 at byte N of its XML",
// "malformed model XML: <reason> at offset N", "not a docpipe model: ...",
// "unsupported model-version ...".
Document read_xml(std::string_view xml);

// Reads the <body> element an input plugin sends (exactly one, the root).
// Throws ModelError with the reason and offset.
RawDocument read_body_xml(std::string_view xml);

// What is wrong with the text of a body an input plugin filled directly
// (abi.h: parse_typed), "" when nothing is: every text must be valid UTF-8
// without NUL, as a body read from XML is ("invalid UTF-8 at byte 3 of the
// text of a cell, lines 12-12").
std::string body_text_fault(const RawDocument &body);

// How many times this process read and wrote model XML with the functions
// above (every thread, every plugin: they share the SDK library). For tests
// that hold the data path to "parsed once, serialised once".
struct Counts {
  uint64_t documents_read = 0, bodies_read = 0, documents_written = 0;
};
Counts counts();

// Escaping exactly as pugixml writes it (tested against pugixml).
void append_escaped_attribute(std::string &out, std::string_view value);
void append_escaped_text(std::string &out, std::string_view text);

}  // namespace docpipe::sdk::model
