// Output plugin `values`: the tidy CSV <stem>.values.csv, one line per
// <record> of the model in model order, so that thousands of reports
// concatenate into one dataset keyed by (template, table, row, column).
// Every text field is guarded against formula injection like every CSV of
// the project (support/csv.hpp: a leading apostrophe on text that starts
// with = + - @); a number keeps its sign ("-2" stays "-2").
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <docpipe/sdk/plugin.hpp>

#include "support/csv.hpp"
#include "support/model.hpp"
#include "support/scan.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;

constexpr const char *header[] = {"file",  "template", "table", "row",         "column",    "value",
                                  "state", "number",   "unit",  "source_line", "placement", "verdict"};

// A record's columns, in CSV order.
enum Field { table, row, column, value, state, number, unit, first_line, placement, n_fields };

template <size_t N>
bool is(std::string_view s, const char (&literal)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;  // inlined: N is known
}

// The record column an attribute name fills, or n_fields.
inline int field_of(std::string_view name) {
  switch (name.size()) {
    case 3:
      return is(name, "row") ? row : n_fields;
    case 4:
      return is(name, "unit") ? unit : n_fields;
    case 5:
      return is(name, "table") ? table : is(name, "value") ? value : is(name, "state") ? state : n_fields;
    case 6:
      return is(name, "column") ? column : is(name, "number") ? number : n_fields;
    case 9:
      return is(name, "placement") ? placement : n_fields;
    case 10:
      return is(name, "first-line") ? first_line : n_fields;
    default:
      return n_fields;
  }
}

// What the fast path collects, as raw attribute values (views into the
// model): the same elements the pugixml path reads, first of each name.
struct Collector {
  using Record = std::array<std::string_view, n_fields>;
  std::string_view file, template_id, verdict;
  std::vector<Record> records;

  enum Kind { other, source, template_, verdict_, record };
  Kind kind = other;
  bool in_metadata = false, in_records = false;  // inside the first one
  bool seen_metadata = false, seen_records = false, seen_source = false, seen_template = false, seen_verdict = false;
  bool got_file = false, got_template = false, got_verdict = false;

  void start(int depth, std::string_view name) {
    kind = other;
    if (depth == 1) {
      in_metadata = name == "metadata" && !seen_metadata;
      seen_metadata = seen_metadata || in_metadata;
      in_records = name == "records" && !seen_records;
      seen_records = seen_records || in_records;
      if (name == "template" && !seen_template) kind = template_, seen_template = true;
      if (name == "verdict" && !seen_verdict) kind = verdict_, seen_verdict = true;
    } else if (depth == 2) {
      if (in_metadata && name == "source" && !seen_source) kind = source, seen_source = true;
      if (in_records && name == "record") {
        kind = record;
        records.emplace_back();
      }
    }
  }

  void attribute(std::string_view name, std::string_view raw) {
    switch (kind) {
      case other:
        break;
      case source:
        first(got_file, file, name == "name", raw);
        break;
      case template_:
        first(got_template, template_id, name == "id", raw);
        break;
      case verdict_:
        first(got_verdict, verdict, name == "status", raw);
        break;
      case record:
        // The last of a repeated name wins, as in the pugixml path.
        if (const int k = field_of(name); k < n_fields) records.back()[k] = raw;
        break;
    }
  }

  void end(int, const char *) {}

  static void first(bool &got, std::string_view &to, bool match, std::string_view raw) {
    if (match && !got) to = raw, got = true;
  }
};

// Bytes that need more than a copy: CSV quoting, or attribute decoding.
constexpr auto needs_work = [] {
  std::array<bool, 256> t{};
  t[','] = t['"'] = t['\r'] = t['\n'] = t['\t'] = t['&'] = true;
  return t;
}();

// True when one of the 8 bytes is below '-': all needs_work bytes are, and
// the bytes of a non-ASCII UTF-8 character never are.
inline bool any_below_dash(uint64_t x) {
  constexpr uint64_t ones = 0x0101010101010101ull;
  return ((x - ones * '-') & ~x & (ones * 0x80)) != 0;
}

// Writes a raw attribute value as one CSV field at `w` (room for 2 * size
// + 3 bytes) and returns the end; nullptr when it holds an entity
// decode_attribute leaves to pugixml.
char *put_field(char *w, std::string_view raw, std::string &scratch) {
  const char *s = raw.data();
  const size_t n = raw.size();
  size_t i = 0;
  // A value that may read as a formula takes the slow path (the guard).
  if (n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) i = n + 1;
  for (; i + 8 <= n; i += 8) {  // 8 bytes at a time: most values are Chinese labels
    uint64_t x;
    std::memcpy(&x, s + i, 8);
    if (any_below_dash(x)) break;
    std::memcpy(w + i, &x, 8);
  }
  for (; i < n; ++i) {
    if (needs_work[static_cast<unsigned char>(s[i])]) break;
    w[i] = s[i];
  }
  if (i == n) return w + n;
  // Decoding never lengthens a value, so the room is still enough.
  scratch.clear();
  if (!decode_attribute(raw, scratch)) return nullptr;
  const std::string encoded = CsvWriter::encode(scratch, true);
  std::memcpy(w, encoded.data(), encoded.size());
  return w + encoded.size();
}

// The common case without a DOM (support/scan.hpp): appends the rows to
// `out`, or returns false (out unchanged or partly written) to fall back.
bool write_fast(std::string_view model, std::string_view eol, std::string &out) {
  Collector c;
  c.records.reserve(256);
  if (!scan_model(model, c)) return false;
  std::string scratch;
  std::string shared[3];  // file, template, verdict: decoded and CSV-encoded once
  const std::string_view raw_shared[3] = {c.file, c.template_id, c.verdict};
  for (int k = 0; k < 3; ++k) {
    scratch.clear();
    if (!decode_attribute(raw_shared[k], scratch)) return false;
    shared[k] = CsvWriter::encode(scratch, true);
  }
  const std::string prefix = shared[0] + "," + shared[1];
  const std::string suffix = "," + shared[2] + std::string(eol);
  // Rows go straight into room grown ahead, with no capacity check per byte.
  size_t used = out.size();
  for (const Collector::Record &rec : c.records) {
    size_t bound = prefix.size() + suffix.size();
    for (std::string_view v : rec) bound += 2 * v.size() + 4;  // quoted, guarded, and a comma
    if (out.size() - used < bound) out.resize(std::max({2 * out.size(), used + bound, out.capacity()}));
    char *w = out.data() + used;
    std::memcpy(w, prefix.data(), prefix.size());
    w += prefix.size();
    for (std::string_view v : rec) {
      *w++ = ',';
      if ((w = put_field(w, v, scratch)) == nullptr) return false;
    }
    std::memcpy(w, suffix.data(), suffix.size());
    used = static_cast<size_t>(w + suffix.size() - out.data());
  }
  out.resize(used);
  return true;
}

// Any model the fast path does not take, with pugixml (which also gives a
// malformed model's error).
void write_parsed(std::string_view model, CsvWriter &csv) {
  pugi::xml_document doc;
  // Attribute values only: no end-of-line or whitespace normalisation of
  // text, which this output does not read.
  const pugi::xml_node root =
      load_model(doc, model, pugi::parse_minimal | pugi::parse_escapes | pugi::parse_wconv_attribute);
  const std::string file = attr(root.child("metadata").child("source"), "name");
  const std::string template_id = attr(root.child("template"), "id");
  // The report's verdict on every line, so a combined file of thousands of
  // reports can be filtered to the ones to review.
  const std::string verdict = attr(root.child("verdict"), "status");
  // A record's attributes are read in one pass (looking each one up by name
  // would walk the attribute list nine times per record).
  for (pugi::xml_node rec = root.child("records").child("record"); rec; rec = rec.next_sibling("record")) {
    std::string_view f[n_fields];
    for (pugi::xml_attribute a = rec.first_attribute(); a; a = a.next_attribute()) {
      if (const int k = field_of(a.name()); k < n_fields) f[k] = a.value();
    }
    csv.field(file, true);
    csv.field(template_id, true);
    for (std::string_view v : f) csv.field(v, true);
    csv.field(verdict, true);
    csv.end_row();
  }
}

struct ValuesOutput {
  static constexpr const char *name = "values";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "Tidy CSV of the template cells: file,template,table,row,column,value,... (UTF-8 with BOM, CRLF)";
  static constexpr const char *options = "bom,crlf";

  static void write(std::string_view model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"bom", "crlf"});
    // crlf is checked first, so a run with both options bad names crlf as
    // it always did.
    const bool crlf = bool_option(opts, "crlf", true);
    const bool bom = bool_option(opts, "bom", true);
    auto start = [&] {
      CsvWriter csv(bom, crlf, model.size() / 2);  // the file is some 40% of the model
      for (const char *h : header) csv.field(h, false);
      csv.end_row();
      return csv;
    };
    std::string bytes = start().take();
    if (!write_fast(model, crlf ? "\r\n" : "\n", bytes)) {
      CsvWriter csv = start();
      write_parsed(model, csv);
      bytes = csv.take();
    }
    write_file(target.path_for(".values.csv"), bytes);
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(ValuesOutput)
