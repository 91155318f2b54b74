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
// A reader of a binary form (.docx: a ZIP) adds
//     static constexpr docpipe_input_form input_form = DOCPIPE_INPUT_BYTES;
// and then receives the file's bytes, undecoded, in probe and parse (ABI 1.1).
//
// Plugins hold no mutable global state: the bulk runner calls them from
// several threads at once.
#pragma once

#include <docpipe/abi.h>

#include <docpipe/sdk/raw_document.hpp>
#include <exception>
#include <map>
#include <new>
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
int parse(const char *text, size_t len, const docpipe_options *options, const docpipe_sink *out,
          const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    RawDocument doc;
    P::parse(std::string_view(text, len), options_from(options), doc);
    const std::string xml = doc.to_xml();
    if (out->write(out->ctx, xml.data(), xml.size()) != 0)
      throw Error(DOCPIPE_ERR_INTERNAL, "host sink refused the model");
  });
}

template <class P>
int write(const char *model, size_t len, const docpipe_options *options, const docpipe_output_target *target,
          const docpipe_error_sink *err) noexcept {
  return guarded(err, [&] {
    OutputTarget t(target);
    P::write(std::string_view(model, len), options_from(options), t);
  });
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
  return docpipe_plugin{DOCPIPE_ABI_MAJOR,  DOCPIPE_ABI_MINOR, sizeof(docpipe_plugin),
                        DOCPIPE_KIND_INPUT, P::name,           P::version,
                        P::description,     P::options,        &probe<P>,
                        &parse<P>,          nullptr,           input_form<P>()};
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
                        DOCPIPE_INPUT_TEXT};
}

}  // namespace detail
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
