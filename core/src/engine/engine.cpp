#include "engine/engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <docpipe/sdk/text.hpp>
#include <set>

#include "decode/decode.hpp"
#include "kind/kind.hpp"
#include "model/model.hpp"
#include "templates/hints.hpp"
#include "templates/mapper.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"

namespace docpipe {
namespace fs = std::filesystem;

namespace {

// Below this no plugin is trusted to claim an input.
constexpr double kMinProbeScore = 0.25;

std::string read_file(const fs::path &p) {
  std::string bytes;
  switch (const int err = read_whole_file(p, bytes)) {
    case 0:
      return bytes;
    case ENOENT:
    case ENOTDIR:
      throw Error(ExitCode::no_input, p.string() + ": no such file");
    case EISDIR:
      throw Error(ExitCode::no_input, p.string() + ": is a folder, not a file");
    case EACCES:
    case EPERM:
      throw Error(ExitCode::no_input, p.string() + ": cannot be read: " + std::strerror(err));
    default:
      throw Error(ExitCode::io_error, p.string() + ": read error: " + std::strerror(err));
  }
}

struct StringSink {
  std::string data;
  static int write(void *ctx, const char *bytes, size_t len) {
    static_cast<StringSink *>(ctx)->data.append(bytes, len);
    return 0;
  }
};

struct ErrorText {
  std::string text;
  static void report(void *ctx, const char *msg) {
    auto *e = static_cast<ErrorText *>(ctx);
    if (!e->text.empty()) e->text += "; ";
    e->text += msg;
  }
};

struct OptionArrays {
  std::vector<const char *> keys, values;
  docpipe_options view{};
  explicit OptionArrays(const std::map<std::string, std::string> &opts) {
    for (const auto &[k, v] : opts) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    view = {keys.size(), keys.data(), values.data()};
  }
};

// Hands out temporary paths in the output folder; they become the real
// names only on commit().
class OutputFiles {
 public:
  OutputFiles(fs::path dir, std::string stem) : dir_(std::move(dir)), stem_(std::move(stem)) {}
  ~OutputFiles() { discard(); }

  const char *path_for(const char *suffix) {
    const std::string s(suffix == nullptr ? "" : suffix);
    if (s.empty() || s.find('/') != std::string::npos || s.find("..") != std::string::npos) return nullptr;
    static std::atomic<unsigned> counter{0};
    static const std::string pid = std::to_string(getpid());  // a worker is a process of its own (spawned, not forked)
    const std::string final_name = stem_ + s;
    const fs::path tmp = dir_ / ("." + final_name + ".tmp-" + pid + "-" + std::to_string(counter.fetch_add(1)));
    files_.push_back({tmp.string(), dir_ / final_name});
    return files_.back().first.c_str();
  }
  static const char *callback(void *ctx, const char *suffix) {
    return static_cast<OutputFiles *>(ctx)->path_for(suffix);
  }

  // Renames the files into place, adding them to `done`; on a failure the
  // caller removes what is in `done` (an input's files are all or none).
  void commit(std::vector<fs::path> &done) {
    for (auto &[tmp, final_path] : files_) {
      if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        if (errno == ENOENT && access(tmp.c_str(), F_OK) != 0) continue;  // the plugin asked but wrote nothing
        throw Error(ExitCode::cant_create, final_path.string() + ": cannot be written: " + std::strerror(errno));
      }
      done.push_back(final_path);
    }
    files_.clear();
  }
  void discard() {
    for (auto &f : files_) {
      std::error_code ec;
      fs::remove(f.first, ec);
    }
    files_.clear();
  }

 private:
  fs::path dir_;
  std::string stem_;
  // A deque: handed-out c_str() pointers must stay valid while more are added.
  std::deque<std::pair<std::string, fs::path>> files_;
};

}  // namespace

fs::path default_formats_dir() {
  if (const char *env = std::getenv("DOCPIPE_FORMATS_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const fs::path exe = boost::dll::program_location(ec);
  return exe.parent_path() / ".." / DOCPIPE_DATA_RELDIR / "formats";
}

Engine::Engine(const EngineConfig &config) {
  registry_ = PluginRegistry::load(plugin_search_path(config.plugin_dirs));
  const fs::path formats = config.formats_dir.empty() ? default_formats_dir() : config.formats_dir;
  templates_ = templates::load_templates(formats / "templates");
  shape_hints_ = templates::shape_hints_xml(templates_);
  overrides_ = templates::Overrides::load(config.overrides, templates_);
  cross_year_ = across::load_declarations(templates_);
  if (!config.agency_aliases.empty()) aliases_ = across::Aliases::load(config.agency_aliases);
}

namespace {

// A plugin of a binary form (ABI 1.1): it reads the file's bytes, never text.
bool takes_bytes(const PluginInfo &p) {
  return DOCPIPE_PLUGIN_HAS(p.api, input_form) && p.api->input_form == DOCPIPE_INPUT_BYTES;
}

}  // namespace

std::vector<ProbeScore> Engine::probe(std::string_view text) const {
  std::vector<ProbeScore> out;
  for (const PluginInfo *p : registry_.of_kind(DOCPIPE_KIND_INPUT)) {
    if (takes_bytes(*p)) continue;  // text never goes to them: their probes would only cost
    double s = p->api->probe(text.data(), text.size());
    if (!(s >= 0.0)) s = 0.0;  // NaN or negative
    out.push_back({p->name(), std::min(s, 1.0)});
  }
  std::stable_sort(out.begin(), out.end(), [](const ProbeScore &a, const ProbeScore &b) { return a.score > b.score; });
  return out;
}

BuiltModel Engine::build(const fs::path &input, const std::string &name, const std::string &input_format) const {
  const std::string bytes = read_file(input);
  // The file's kind, from its bytes (core/src/kind), routes it: binary and
  // markup kinds (PDF, Office, HTML, images, ...) go only to the plugins of
  // binary forms (ABI 1.1, input_form DOCPIPE_INPUT_BYTES), probed on the
  // bytes, and are never decoded as text; text is decoded and goes only to
  // the text plugins. So markup never reaches a text reader.
  const FileKind kind = recognise_kind(bytes);
  auto decode = [&] {
    try {
      return decode_text(bytes);
    } catch (const Error &e) {
      throw Error(e.code(), input.string() + ": " + e.what());
    }
  };
  const bool automatic = input_format.empty() || input_format == "auto";
  const PluginInfo *plugin = nullptr;
  double confidence = 1.0;
  if (automatic) {
    if (!is_text_kind(kind)) {
      double best = 0.0;
      for (const PluginInfo *p : registry_.of_kind(DOCPIPE_KIND_INPUT)) {
        if (!takes_bytes(*p)) continue;
        const double s = p->api->probe(bytes.data(), bytes.size());
        if (s >= kMinProbeScore && s > best) {
          best = std::min(s, 1.0);
          plugin = p;
        }
      }
      if (plugin != nullptr) {
        confidence = best;
      } else if (kind == FileKind::binary_unknown) {
        decode();  // throws the decoder's reason (the first control byte and its offset)
      } else {
        throw Error(ExitCode::bad_input, input.string() + ": " + kind_description(kind) +
                                             (kind == FileKind::html || kind == FileKind::rtf ? "" : " (binary data)") +
                                             ": " + kind_advice(kind));
      }
    }
  } else {
    plugin = registry_.find(input_format, DOCPIPE_KIND_INPUT);
    if (plugin == nullptr) throw Error(ExitCode::plugin_unavailable, "no input plugin named '" + input_format + "'");
    if (!takes_bytes(*plugin) && !is_text_kind(kind) && kind != FileKind::binary_unknown)
      throw Error(ExitCode::bad_input, input.string() + ": " + kind_description(kind) + ": the text reader '" +
                                           plugin->name() + "' does not read it (try -f auto)");
  }

  DecodedText text;
  if (plugin != nullptr && takes_bytes(*plugin)) {
    text.encoding = "none";  // not decoded: the plugin reads the bytes
    text.line_endings = "none";
    text.decision = std::string(kind_description(kind)) + ", not decoded as text: input plugin '" + plugin->name() +
                    "' reads the file's bytes";
  } else {
    text = decode();
  }

  if (plugin == nullptr) {
    const auto scores = probe(text.text);
    if (scores.empty() || scores.front().score < kMinProbeScore) {
      std::string best = scores.empty() ? "no input plugin loaded"
                                        : "best: " + scores.front().plugin + " " + std::to_string(scores.front().score);
      throw Error(ExitCode::bad_input, input.string() + ": no input plugin claims this text (" + best + ")");
    }
    plugin = registry_.find(scores.front().plugin, DOCPIPE_KIND_INPUT);
    confidence = scores.front().score;
  }
  const std::string_view data = takes_bytes(*plugin) ? std::string_view(bytes) : std::string_view(text.text);

  ErrorText err;
  const docpipe_error_sink errs{&err, &ErrorText::report};
  const docpipe_options none{0, nullptr, nullptr};
  auto failed = [&](int status) {
    return Error(status == DOCPIPE_ERR_INPUT ? ExitCode::bad_input : ExitCode::plugin_unavailable,
                 input.string() + ": " + plugin->name() + ": " + (err.text.empty() ? "parse failed" : err.text));
  };
  BuiltModel built;
  built.sha256 = sha256_hex(bytes);
  built.plugin = plugin->name();
  const model::Provenance prov{input.string(),       name,      built.sha256, bytes.size(), plugin->name(),
                               plugin->api->version, confidence};
  // The plugin's body becomes the typed model once: filled in place by a
  // plugin built against this SDK (ABI 1.4 parse_typed), else parsed from
  // the XML it writes. From here to the output plugins nothing is
  // serialised or parsed again. Either way its text is checked once here:
  // the model never holds invalid UTF-8 (the rest of it is the core's own
  // text and escaped file names).
  sdk::RawDocument body;
  const bool typed = DOCPIPE_PLUGIN_HAS(plugin->api, parse_typed) && plugin->api->parse_typed != nullptr &&
                     plugin->api->model_layout != nullptr &&
                     std::string_view(plugin->api->model_layout) == DOCPIPE_MODEL_LAYOUT;
  if (typed) {
    const int status = plugin->api->parse_typed(data.data(), data.size(), &none, shape_hints_.data(),
                                                shape_hints_.size(), &body, &errs);
    if (status != DOCPIPE_OK) throw failed(status);
    if (const std::string fault = sdk::model::body_text_fault(body); !fault.empty())
      throw Error(ExitCode::internal, sdk::escape_bytes(input.string()) + ": input plugin '" + plugin->name() +
                                          "' produced " + fault + " in its model");
  } else {
    StringSink sink;
    const docpipe_sink out{&sink, &StringSink::write};
    const bool hinted = DOCPIPE_PLUGIN_HAS(plugin->api, parse_hinted) && plugin->api->parse_hinted != nullptr;
    const int status = hinted ? plugin->api->parse_hinted(data.data(), data.size(), &none, shape_hints_.data(),
                                                          shape_hints_.size(), &out, &errs)
                              : plugin->api->parse(data.data(), data.size(), &none, &out, &errs);
    if (status != DOCPIPE_OK) throw failed(status);
    try {
      body = sdk::model::read_body_xml(sink.data);
    } catch (const sdk::model::ModelError &e) {
      throw Error(ExitCode::plugin_unavailable, "input plugin '" + plugin->name() + "' " + e.what());
    }
    if (const size_t bad = sdk::invalid_utf8_at(sink.data); bad != std::string_view::npos)
      throw Error(ExitCode::internal, sdk::escape_bytes(input.string()) + ": input plugin '" + plugin->name() +
                                          "' produced invalid UTF-8 at byte " + std::to_string(bad) + " of its model");
  }
  built.report = engine::report_metadata(body);
  built.report.agency_key = across::agency_key(built.report.agency, built.report.title, aliases_);
  templates::Mapping mapping =
      templates::map_body(body, templates_, built.report.year.empty() ? 0 : std::stoi(built.report.year));
  if (!overrides_.empty()) templates::apply_overrides(mapping, overrides_.for_file(sdk::escape_bytes(name)));
  const auto checks = templates::run_checks(mapping);
  built.verdict = engine::judge(body, mapping, checks);
  if (mapping.tmpl != nullptr) built.template_id = mapping.tmpl->id;
  for (const templates::Check &c : checks)
    if (c.result == templates::CheckResult::fail)
      built.violations.push_back({c.identity->id, mapping.tmpl->tables[c.table].name, c.row, c.column,
                                  templates::format_number(c.expected), templates::format_number(c.actual)});
  built.document = model::assemble(prov, text, built.report, std::move(body), mapping, checks, built.verdict);
  return built;
}

pugi::xml_document Engine::build_model(const fs::path &input, const std::string &name,
                                       const std::string &input_format) const {
  const BuiltModel built = build(input, name, input_format);
  const std::string xml = sdk::model::to_xml(built.document);
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_utf8))
    throw Error(ExitCode::internal, input.string() + ": the model written does not parse");
  return doc;
}

std::vector<fs::path> Engine::write_outputs(const sdk::model::Document &model, const fs::path &out_dir,
                                            const std::string &stem, const OutputRequest &outputs) const {
  std::vector<const PluginInfo *> chosen;
  if (outputs.plugins.empty()) {
    chosen = registry_.of_kind(DOCPIPE_KIND_OUTPUT);
  } else {
    for (const auto &name : outputs.plugins) {
      const PluginInfo *p = registry_.find(name, DOCPIPE_KIND_OUTPUT);
      if (p == nullptr) throw Error(ExitCode::plugin_unavailable, "no output plugin named '" + name + "'");
      chosen.push_back(p);
    }
  }
  // Folders made or checked once per process: a bulk worker writes thousands
  // of reports into the same few folders (one it loses is still reported, by
  // the plugin that cannot create its file there).
  thread_local std::set<std::string> ready_folders;
  auto ensure_folder = [](const fs::path &dir) {
    if (ready_folders.count(dir.native()) > 0) return;
    if (ready_folders.size() > 4096) ready_folders.clear();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
      throw Error(ExitCode::cant_create, dir.string() + ": output folder cannot be created: " + ec.message());
    if (access(dir.c_str(), W_OK) != 0)
      throw Error(ExitCode::cant_create, dir.string() + ": output folder is not writable");
    ready_folders.insert(dir.native());
  };

  // Every plugin writes under temporary names first; only when all of them
  // succeeded are the files renamed into place, so an input's files are all
  // there or none (a failed plugin or rename removes the others).
  std::deque<OutputFiles> staged;
  // Plugins built against this SDK take the typed model as it is (abi.h,
  // write_typed, the faster of the two ways docs/model.md weighs: else every
  // output would parse the ~100 KB model again, for every report); any
  // other plugin gets the XML, written once for all of them.
  std::string xml;
  for (const PluginInfo *p : chosen) {
    const auto dest = outputs.destinations.find(p->name());
    const fs::path &dir = dest == outputs.destinations.end() ? out_dir : dest->second.first;
    const std::string &file_stem = dest == outputs.destinations.end() ? stem : dest->second.second;
    ensure_folder(dir);
    OutputFiles &files = staged.emplace_back(dir, file_stem);
    const docpipe_output_target target{&files, &OutputFiles::callback};
    ErrorText err;
    const docpipe_error_sink errs{&err, &ErrorText::report};
    static const std::map<std::string, std::string> no_options;
    auto it = outputs.options.find(p->name());
    OptionArrays opts(it == outputs.options.end() ? no_options : it->second);
    const bool typed = DOCPIPE_PLUGIN_HAS(p->api, write_typed) && p->api->write_typed != nullptr &&
                       p->api->model_layout != nullptr &&
                       std::string_view(p->api->model_layout) == DOCPIPE_MODEL_LAYOUT;
    if (!typed && xml.empty()) {
      try {
        sdk::model::write_xml(model, xml);
      } catch (const sdk::model::ModelError &e) {
        throw Error(ExitCode::internal, model.metadata.source.path + ": " + e.what());
      }
    }
    const int status = typed ? p->api->write_typed(&model, &opts.view, &target, &errs)
                             : p->api->write(xml.data(), xml.size(), &opts.view, &target, &errs);
    if (status != DOCPIPE_OK)
      throw Error(status == DOCPIPE_ERR_OPTION ? ExitCode::usage : ExitCode::cant_create,
                  p->name() + " output for " + file_stem + ": " + (err.text.empty() ? "write failed" : err.text));
  }
  std::vector<fs::path> written;
  try {
    for (OutputFiles &files : staged) files.commit(written);
  } catch (...) {
    for (const fs::path &f : written) {
      std::error_code ec;
      fs::remove(f, ec);
    }
    throw;
  }
  return written;
}

ConvertOutcome Engine::convert(const fs::path &input, const std::string &name, const std::string &input_format,
                               const fs::path &out_dir, const OutputRequest &outputs) const {
  ConvertOutcome o;
  try {
    const BuiltModel built = build(input, name, input_format);
    o.template_id = built.template_id;
    o.verdict = built.verdict.ok() ? "ok" : "review";
    o.failed_checks = built.violations.size();
    for (const auto &[reason_code, text] : built.verdict.reasons) o.reasons += (o.reasons.empty() ? "" : "; ") + text;
    o.files = write_outputs(built.document, out_dir, input.stem().string(), outputs);
    o.ok = true;
  } catch (const Error &e) {
    o.code = e.code();
    o.error = e.what();
  } catch (const std::exception &e) {
    o.code = ExitCode::internal;
    o.error = input.string() + ": internal error: " + e.what();
  }
  return o;
}

}  // namespace docpipe
