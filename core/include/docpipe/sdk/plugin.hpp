// The C++ side of the plugin boundary (the "hourglass"): a plugin author
// writes a plain class, and one macro turns it into the C entry point of
// docpipe/abi.h. Every exception is caught here, so none ever crosses.
//
//   struct MyReader {
//     static constexpr const char *name = "my-form";
//     static constexpr const char *version = "1.0.0";
//     static constexpr const char *description = "What it reads";
//     static constexpr const char *options = "";           // accepted option names
//     static double probe(std::string_view text);             // 0..1, cheap
//     static void parse(std::string_view text, const docpipe::sdk::Options &,
//                       docpipe::sdk::RawDocument &doc);       // may throw
//   };
//   DOCPIPE_INPUT_PLUGIN(MyReader)
//
// A reader that wants the shape hints of the loaded templates (ABI 1.2,
// formats/HINTS.md) writes, instead of or beside the parse above,
//     static void parse(std::string_view text, const docpipe::sdk::Options &,
//                       const docpipe::sdk::ShapeHints &hints, docpipe::sdk::RawDocument &doc);
// A host older than 1.2 calls parse without hints: that overload then gets
// empty hints when it is the only one.
//
// Built against this SDK, a reader fills the host's body directly (ABI 1.4
// parse_typed); any other host gets the body as XML.
//
// A reader of a binary form (.docx: a ZIP) adds
//     static constexpr docpipe_input_form input_form = DOCPIPE_INPUT_BYTES;
// and then receives the file's bytes, undecoded, in probe and parse (ABI 1.1).
//
// An output plugin writes
//     static void write(const docpipe::sdk::model::Document &model,
//                       const docpipe::sdk::Options &, const docpipe::sdk::OutputTarget &);
// and gets the typed model (docpipe/sdk/model.hpp): from the host directly
// when both were built against this SDK (ABI 1.3 write_typed: nothing is
// parsed), else read from the XML by the SDK's reader. An output plugin may
// instead, or as well, take the XML itself: static void write(std::string_view
// model_xml, ...) (with both, a host that sends XML calls that one).
//
// Plugins hold no mutable global state: the bulk runner calls them from
// several threads at once.
#pragma once

#include <docpipe/abi.h>

#include <cstdint>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <docpipe/sdk/shape_hints.hpp>
#include <exception>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#define DOCPIPE_EXPORT extern "C" __attribute__((visibility("default")))

namespace docpipe::sdk {

// Thrown by plugin code to fail a call with a given status and reason.
class Error : public std::runtime_error {
 public:
  Error(docpipe_status status, const std::string &what) : std::runtime_error(what), status_(status) {}
  docpipe_status status() const { return status_; }

 private:
  docpipe_status status_;
};

using Options = std::map<std::string, std::string, std::less<>>;

inline Options options_from(const docpipe_options *o) {
  Options out;
  if (o == nullptr) return out;
  for (size_t i = 0; i < o->count; ++i) out[o->keys[i]] = o->values[i];
  return out;
}

// An output plugin's way to obtain the temporary path of each file it writes.
class OutputTarget {
 public:
  explicit OutputTarget(const docpipe_output_target *t) : t_(t) {}
  std::string path_for(std::string_view suffix) const {
    std::string s(suffix);
    const char *p = t_->file_path(t_->ctx, s.c_str());
    if (p == nullptr) throw Error(DOCPIPE_ERR_OUTPUT, "output file refused by the host: " + s);
    return p;
  }

 private:
  const docpipe_output_target *t_;
};

namespace detail {

inline void report(const docpipe_error_sink *err, const char *msg) {
  if (err != nullptr && err->report != nullptr) err->report(err->ctx, msg);
}

template <class F>
int guarded(const docpipe_error_sink *err, F &&body) noexcept {
  try {
    body();
    return DOCPIPE_OK;
  } catch (const Error &e) {
    report(err, e.what());
    return e.status();
  } catch (const std::bad_alloc &) {
    report(err, "out of memory");  // the host knows its limit and names it
    return DOCPIPE_ERR_INTERNAL;
  } catch (const std::exception &e) {
    report(err, e.what());
    return DOCPIPE_ERR_INTERNAL;
  } catch (...) {
    report(err, "unknown exception in plugin");
    return DOCPIPE_ERR_INTERNAL;
  }
}

template <class P>
double probe(const char *text, size_t len) noexcept {
  try {
    return P::probe(std::string_view(text, len));
  } catch (...) {
    return 0.0;
  }
}

template <class P>
concept takes_hints = requires(std::string_view t, const Options &o, const ShapeHints &h, RawDocument &d) {
  P::parse(t, o, h, d);
};
template <class P>
concept takes_no_hints = requires(std::string_view t, const Options &o, RawDocument &d) {
  P::parse(t, o, d);
};

inline void send(const RawDocument &doc, const docpipe_sink *out) {
  const std::string xml = doc.to_xml();
  if (out->write(out->ctx, xml.data(), xml.size()) != 0)
    throw Error(DOCPIPE_ERR_INTERNAL, "host sink refused the model");
}

// The hints of the last call on this thread: a host passes the same bytes to
// every call, so they are parsed once per thread (a cache, not state that
// changes what a call returns). `generation` counts the parses, so that what
// a reader derives from the hints is kept while they stay the same.
struct HintsCache {
  std::string xml;
  ShapeHints hints;
  std::uint64_t generation = 0;
  bool valid = false;
};
inline HintsCache &hints_cache() {
  thread_local HintsCache cache;
  return cache;
}
inline const ShapeHints &hints_of(std::string_view xml) {
  HintsCache &c = hints_cache();
  if (!c.valid || c.xml != xml) {
    c.valid = false;
    c.hints = parse_shape_hints(xml);
    c.xml.assign(xml);
    ++c.generation;
    c.valid = true;
  }
  return c.hints;
}

template <class P>
int parse(const char *text, size_t len, const docpipe_options *options, const docpipe_sink *out,
          const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    RawDocument doc;
    if constexpr (takes_no_hints<P>) {
      P::parse(std::string_view(text, len), options_from(options), doc);
    } else {
      static_assert(takes_hints<P>, "an input plugin needs a static parse(text, options, [hints,] doc)");
      P::parse(std::string_view(text, len), options_from(options), ShapeHints{}, doc);
    }
    send(doc, out);
  });
}

template <class P>
int parse_hinted(const char *text, size_t len, const docpipe_options *options, const char *hints_xml, size_t hints_len,
                 const docpipe_sink *out, const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    RawDocument doc;
    P::parse(std::string_view(text, len), options_from(options), hints_of(std::string_view(hints_xml, hints_len)), doc);
    send(doc, out);
  });
}

// ABI 1.4: the same parse into the host's body (the host checked
// model_layout), so nothing is written as XML or parsed again.
template <class P>
int parse_typed(const char *text, size_t len, const docpipe_options *options, const char *hints_xml, size_t hints_len,
                void *body, const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    RawDocument &doc = *static_cast<RawDocument *>(body);
    if constexpr (takes_hints<P>)
      P::parse(std::string_view(text, len), options_from(options), hints_of(std::string_view(hints_xml, hints_len)),
               doc);
    else
      P::parse(std::string_view(text, len), options_from(options), doc);
  });
}

template <class P>
constexpr docpipe_parse_hinted_fn parse_hinted_of() {
  if constexpr (takes_hints<P>)
    return &parse_hinted<P>;
  else
    return nullptr;
}

template <class P>
concept writes_typed = requires(const model::Document &m, const Options &o, const OutputTarget &t) {
  P::write(m, o, t);
};

template <class P>
concept writes_xml = requires(std::string_view m, const Options &o, const OutputTarget &t) {
  P::write(m, o, t);
};

// The XML entry: the plugin's own XML write when it has one, else the SDK's
// reader in front of its typed write (a model it cannot read is bad input,
// with the reason).
template <class P>
int write(const char *xml, size_t len, const docpipe_options *options, const docpipe_output_target *target,
          const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    OutputTarget t(target);
    if constexpr (writes_xml<P>) {
      P::write(std::string_view(xml, len), options_from(options), t);
    } else {
      model::Document doc;
      try {
        doc = model::read_xml(std::string_view(xml, len));
      } catch (const model::ModelError &e) {
        throw Error(DOCPIPE_ERR_INPUT, e.what());
      }
      P::write(static_cast<const model::Document &>(doc), options_from(options), t);
    }
  });
}

// ABI 1.3: the host's typed model, read-only (the host checked model_layout).
template <class P>
int write_typed(const void *doc, const docpipe_options *options, const docpipe_output_target *target,
                const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    OutputTarget t(target);
    P::write(*static_cast<const model::Document *>(doc), options_from(options), t);
  });
}

template <class P>
constexpr docpipe_write_typed_fn write_typed_of() {
  if constexpr (writes_typed<P>)
    return &write_typed<P>;
  else
    return nullptr;
}

template <class P>
constexpr const char *model_layout_of() {
  if constexpr (writes_typed<P>)
    return DOCPIPE_MODEL_LAYOUT;
  else
    return nullptr;
}

// DOCPIPE_INPUT_TEXT unless the class declares `input_form`.
template <class P>
constexpr uint32_t input_form() {
  if constexpr (requires { P::input_form; })
    return static_cast<uint32_t>(P::input_form);
  else
    return DOCPIPE_INPUT_TEXT;
}

template <class P>
constexpr docpipe_plugin input_descriptor() {
  return docpipe_plugin{DOCPIPE_ABI_MAJOR,
                        DOCPIPE_ABI_MINOR,
                        sizeof(docpipe_plugin),
                        DOCPIPE_KIND_INPUT,
                        P::name,
                        P::version,
                        P::description,
                        P::options,
                        &probe<P>,
                        &parse<P>,
                        nullptr,
                        input_form<P>(),
                        parse_hinted_of<P>(),
                        DOCPIPE_MODEL_LAYOUT,
                        nullptr,
                        &parse_typed<P>};
}

template <class P>
constexpr docpipe_plugin output_descriptor() {
  return docpipe_plugin{DOCPIPE_ABI_MAJOR,
                        DOCPIPE_ABI_MINOR,
                        sizeof(docpipe_plugin),
                        DOCPIPE_KIND_OUTPUT,
                        P::name,
                        P::version,
                        P::description,
                        P::options,
                        nullptr,
                        nullptr,
                        &write<P>,
                        DOCPIPE_INPUT_TEXT,
                        nullptr,
                        model_layout_of<P>(),
                        write_typed_of<P>(),
                        nullptr};
}

}  // namespace detail

// What a reader builds from the shape hints (an index of their labels, the
// tables' shapes): `D(hints)` once for each parse of the hints the host
// passed on this thread, not on every document. A cache: hints built some
// other way (by hand, in a test) get a fresh D on each call. The reference
// holds until this thread's next call. (The key stays out of ShapeHints,
// whose layout the SDK library returns to plugins built against it.)
template <class D>
const D &derived_from(const ShapeHints &hints) {
  const detail::HintsCache &host = detail::hints_cache();
  thread_local std::optional<D> cached;
  thread_local std::uint64_t cached_generation = 0;  // 0: nothing kept
  const bool from_host = host.valid && &hints == &host.hints;
  if (!cached || !from_host || cached_generation != host.generation) {
    cached.reset();
    cached.emplace(hints);
    cached_generation = from_host ? host.generation : 0;
  }
  return *cached;
}

}  // namespace docpipe::sdk

// The descriptor is a constant: a plugin has no mutable global state.
#define DOCPIPE_INPUT_PLUGIN(Class)                                                        \
  DOCPIPE_EXPORT const docpipe_plugin *docpipe_plugin_entry(void) {                        \
    static constexpr docpipe_plugin d = ::docpipe::sdk::detail::input_descriptor<Class>(); \
    return &d;                                                                             \
  }

#define DOCPIPE_OUTPUT_PLUGIN(Class)                                                        \
  DOCPIPE_EXPORT const docpipe_plugin *docpipe_plugin_entry(void) {                         \
    static constexpr docpipe_plugin d = ::docpipe::sdk::detail::output_descriptor<Class>(); \
    return &d;                                                                              \
  }
