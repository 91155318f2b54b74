// docpipe: a thin command line over the engine. Logs go to stderr; results
// that a script reads (summaries) to stdout. Exit codes: see docs/cli.md.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

#include "across/merge.hpp"
#include "across/store.hpp"
#include "decode/decode.hpp"
#include "engine/engine.hpp"
#include "kind/kind.hpp"
#include "runner/cells.hpp"
#include "runner/definition.hpp"
#include "runner/review.hpp"
#include "runner/runner.hpp"

namespace fs = std::filesystem;
using docpipe::Engine;
using docpipe::Error;
using docpipe::ExitCode;

namespace {

int code(ExitCode c) { return static_cast<int>(c); }

// A name as people type it: surrounding blanks dropped, ASCII case folded
// (plugin and command names are lower-case ASCII).
std::string normal_name(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "xlsx, CSV" -> {"xlsx", "csv"}
std::vector<std::string> split_list(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (std::string name = normal_name(std::string_view(s).substr(start, comma - start)); !name.empty())
      out.push_back(std::move(name));
    start = comma + 1;
  }
  return out;
}

// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string> &v, const char *sep = ", ") {
  std::string out;
  for (const auto &x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// "unknown WHAT 'x'": the nearest valid name when it is close, and every valid name.
std::string unknown_name(const std::string &what, const std::string &name, const std::vector<std::string> &valid,
                         const std::string &of = "") {
  std::string msg = "unknown " + what + " '" + name + "'" + of;
  const std::string *best = nullptr;
  size_t best_d = 0;
  for (const auto &v : valid)
    if (const size_t d = edit_distance(normal_name(name), v); best == nullptr || d < best_d) best = &v, best_d = d;
  if (best != nullptr && best_d <= std::max<size_t>(2, best->size() / 3)) msg += ": did you mean '" + *best + "'?";
  return msg + " (valid: " + join(valid) + ")";
}

std::vector<std::string> plugin_names(const Engine &engine, docpipe_plugin_kind kind) {
  std::vector<std::string> out;
  for (const auto *p : engine.plugins().of_kind(kind)) out.push_back(p->name());
  std::sort(out.begin(), out.end());
  return out;
}

// A plugin name from the command line, checked against those loaded
// (`auto` is valid for input plugins when allow_auto). Throws a usage error
// naming the valid ones.
std::string plugin_name(const Engine &engine, docpipe_plugin_kind kind, const std::string &given, bool allow_auto) {
  const std::string name = normal_name(given);
  if (allow_auto && (name.empty() || name == "auto")) return "auto";
  std::vector<std::string> valid = plugin_names(engine, kind);
  if (std::find(valid.begin(), valid.end(), name) != valid.end()) return name;
  if (allow_auto) valid.insert(valid.begin(), "auto");
  throw Error(ExitCode::usage,
              unknown_name(kind == DOCPIPE_KIND_INPUT ? "input format" : "output format", given, valid));
}

// -O csv:bom=false  ->  options["csv"]["bom"] = "false"
bool parse_output_option(const std::string &spec, docpipe::OutputRequest &req) {
  const size_t colon = spec.find(':');
  const size_t eq = spec.find('=', colon == std::string::npos ? 0 : colon);
  if (colon == std::string::npos || eq == std::string::npos || colon == 0 || eq == colon + 1) return false;
  req.options[normal_name(spec.substr(0, colon))][normal_name(spec.substr(colon + 1, eq - colon - 1))] =
      spec.substr(eq + 1);
  return true;
}

// SIGINT/SIGTERM during `convert`: the input being converted is finished
// (its files all or none), then convert stops and says so.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int sig) { g_stop_signal = sig; }

// `convert`'s private temporary folder in OUTDIR (.docpipe-tmp.PID), where the
// xlsx plugin stages a workbook's parts; those of dead processes are removed,
// and so are the temporary files (.NAME.tmp-PID-N) a killed convert left.
class ConvertTemp {
 public:
  explicit ConvertTemp(const fs::path &out_dir) {
    if (out_dir.empty()) return;
    std::error_code ec;
    auto dead = [](const char *pid_text) {
      const long pid = std::strtol(pid_text, nullptr, 10);
      return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    };
    for (auto it = fs::directory_iterator(out_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::error_code rec;
      if (name.rfind(".docpipe-tmp.", 0) == 0 && dead(name.c_str() + 13)) fs::remove_all(it->path(), rec);
      // a file of a killed convert: ".NAME.tmp-PID-N"
      const size_t tmp = name.rfind(".tmp-");
      if (name[0] == '.' && tmp != std::string::npos && it->is_regular_file(rec) && dead(name.c_str() + tmp + 5))
        fs::remove(it->path(), rec);
    }
    dir_ = out_dir / (".docpipe-tmp." + std::to_string(::getpid()));
    if (fs::create_directories(dir_, ec); !ec) ::setenv("DOCPIPE_TMPDIR", dir_.c_str(), 1);
  }
  const fs::path &dir() const { return dir_; }
  ~ConvertTemp() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

 private:
  fs::path dir_;
};

std::string plural(size_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// `-` reads the input from stdin; `stdin_name` (--name) names it and its outputs.
int run_convert(const Engine &engine, const std::vector<std::string> &inputs, const std::string &out_dir,
                const std::string &format_given, const std::string &types, const std::vector<std::string> &out_options,
                int memory_mb, const std::string &stdin_name) {
  // Names first: a mistyped plugin or option name is a usage error that lists the valid ones.
  const std::string format = plugin_name(engine, DOCPIPE_KIND_INPUT, format_given, true);
  docpipe::OutputRequest req;
  for (const auto &t : split_list(types)) req.plugins.push_back(plugin_name(engine, DOCPIPE_KIND_OUTPUT, t, false));
  for (const auto &o : out_options)
    if (!parse_output_option(o, req)) {
      std::cerr << "docpipe: bad output option '" << o << "' (expected PLUGIN:KEY=VALUE)\n";
      return code(ExitCode::usage);
    }
  // Option names are checked against those each plugin declares (docpipe_plugin.options).
  for (const auto &[plugin, opts] : req.options) {
    const auto *p = engine.plugins().find(plugin_name(engine, DOCPIPE_KIND_OUTPUT, plugin, false), DOCPIPE_KIND_OUTPUT);
    const std::vector<std::string> valid = split_list(p->api->options == nullptr ? "" : p->api->options);
    for (const auto &[key, value] : opts)
      if (std::find(valid.begin(), valid.end(), key) == valid.end())
        throw Error(ExitCode::usage, valid.empty()
                                         ? "output format '" + plugin + "' takes no option ('" + key + "' given)"
                                         : unknown_name("option", key, valid, " of output format '" + plugin + "'"));
  }
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
    std::cerr << "docpipe: '-' (stdin) can be given once\n";
    return code(ExitCode::usage);
  }
  const std::string from_stdin = stdin_name.empty() ? "stdin" : stdin_name;
  if (from_stdin.find('/') != std::string::npos || from_stdin == "." || from_stdin == "..") {
    std::cerr << "docpipe: --name '" << from_stdin << "' is a file name, not a path\n";
    return code(ExitCode::usage);
  }
  auto shown = [&](const std::string &in) { return in == "-" ? from_stdin : in; };
  // Every output file belongs to one input (the rule `run` applies): inputs
  // whose names give the same stem in OUTDIR are refused before any work.
  std::vector<std::string> names;
  for (const auto &in : inputs) names.push_back(shown(in));
  const docpipe::runner::OutputOwners owners({{"", "{stem}", {}, 0}}, names.size(),
                                             [&](size_t k) { return std::string_view(names[k]); });
  if (!owners.collision().empty()) {
    std::cerr << "docpipe: inputs " << owners.collision() << " in " << out_dir
              << "; convert them into different output folders\n";
    return code(ExitCode::usage);
  }
  // A correction naming no input here is most often a typo or a run's relpath.
  for (const auto &row : engine.overrides().items())
    if (std::none_of(names.begin(), names.end(), [&](const std::string &n) {
          return docpipe::sdk::escape_bytes(fs::path(n).filename().string()) == row.file;
        }))
      std::cerr << "docpipe: warning: " << docpipe::sdk::escape_bytes(row.origin) << ": no input here is named '"
                << row.file << "' (convert names a report by its file name)\n";
#ifndef DOCPIPE_SANITIZED  // sanitizers reserve far more address space than any limit allows
  // The bound of a `run` worker: an enormous input fails alone, with a message.
  if (memory_mb > 0) {
    const rlimit lim{static_cast<rlim_t>(memory_mb) << 20, static_cast<rlim_t>(memory_mb) << 20};
    setrlimit(RLIMIT_AS, &lim);
  }
#endif
  std::error_code ec;
  fs::create_directories(out_dir, ec);  // (when it cannot be, the first output says why)
  const ConvertTemp temp(fs::is_directory(out_dir, ec) ? fs::path(out_dir) : fs::path());
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESTART;  // the conversion under way goes on undisturbed
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  ::signal(SIGXFSZ, SIG_IGN);  // a file size limit fails the write (EFBIG, named), not the process
  size_t failed = 0, started = 0;
  ExitCode last = ExitCode::ok;
  for (const auto &in : inputs) {
    if (g_stop_signal != 0) break;
    ++started;
    // stdin is copied into convert's private folder under its name (the
    // engine reads files; the outputs take the name's stem).
    fs::path p(in);
    if (in == "-") {
      if (temp.dir().empty()) {
        std::cerr << "docpipe: " << out_dir << ": output folder cannot be created\n";
        return code(ExitCode::cant_create);
      }
      p = temp.dir() / from_stdin;
      std::ofstream copy(p, std::ios::binary);
      copy << std::cin.rdbuf();
      copy.close();
      if (!copy || std::cin.bad()) {
        std::cerr << "docpipe: stdin: cannot be read or copied\n";
        ++failed;
        last = ExitCode::io_error;
        continue;
      }
    }
    auto o = engine.convert(p, p.filename().string(), format, out_dir, req);
    if (in == "-") {  // messages name the input as the user gave it
      for (size_t at; (at = o.error.find(p.string())) != std::string::npos;)
        o.error.replace(at, p.string().size(), "-");
      fs::remove(p, ec);
    }
    // Out of memory (in the core: std::bad_alloc; in a plugin: "out of memory"): the limit, named.
    const bool oom = !o.ok && ((o.code == ExitCode::internal && o.error.find("std::bad_alloc") != std::string::npos) ||
                               o.error.ends_with("out of memory"));
    if (oom && memory_mb > 0) {
      o.code = ExitCode::bad_input;
      o.error = shown(in) + ": memory limit of " + std::to_string(memory_mb) + " MiB exceeded (--memory-mb)";
    }
    if (!o.ok) {
      std::cerr << "docpipe: " << docpipe::sdk::escape_bytes(o.error) << "\n";  // names shown as everywhere
      ++failed;
      last = o.code;
      continue;
    }
    std::cerr << docpipe::sdk::escape_bytes(shown(in)) << ": "
              << (o.template_id.empty() ? "no template" : o.template_id) << ", " << o.verdict;
    if (!o.reasons.empty()) std::cerr << " (" << o.reasons << ")";
    if (o.failed_checks) std::cerr << ", " << plural(o.failed_checks, "identity fails", "identities fail");
    std::cerr << ", " << plural(o.files.size(), "file", "files") << "\n";
  }
  if (g_stop_signal != 0) {
    std::cerr << "docpipe: stopped by " << strsignal(g_stop_signal) << ": " << started - failed << " of "
              << inputs.size() << " inputs converted, " << inputs.size() - started
              << " not started; no file is half-written\n";
    return 128 + g_stop_signal;
  }
  if (inputs.size() > 1)
    std::cerr << "docpipe: " << inputs.size() - failed << " of " << inputs.size() << " inputs converted\n";
  if (failed == 0) return 0;
  return inputs.size() == 1 ? code(last) : code(ExitCode::some_failed);
}

// `formats`: input and output formats apart, as pandoc lists them; where
// each plugin was loaded from only with -v.
int run_formats(const Engine &engine, bool verbose) {
  for (const auto kind : {DOCPIPE_KIND_INPUT, DOCPIPE_KIND_OUTPUT}) {
    std::cout << (kind == DOCPIPE_KIND_INPUT ? "Input formats (-f):\n" : "Output formats (-t):\n");
    std::vector<const docpipe::PluginInfo *> list = engine.plugins().of_kind(kind);
    std::sort(list.begin(), list.end(), [](auto *a, auto *b) { return a->name() < b->name(); });
    for (const auto *p : list) {
      std::cout << "  " << p->name() << std::string(p->name().size() < 15 ? 15 - p->name().size() : 1, ' ')
                << p->api->description << "\n";
      if (verbose) std::cout << "      " << p->api->version << "  " << p->file.string() << " [" << p->origin << "]\n";
    }
  }
  if (!engine.plugins().failures().empty()) {
    std::cout << "Not loaded:\n";
    for (const auto &f : engine.plugins().failures())
      std::cout << "  " << f.reason << (verbose ? " [" + f.origin + "]" : std::string()) << "\n";
  }
  std::cout << "Templates:\n";
  for (const auto &t : engine.templates()) {
    std::cout << "  " << t.id << "  " << t.title << "  (" << t.cell_count() << " cells)\n";
    if (verbose) std::cout << "      " << t.file.string() << "\n";
  }
  return 0;
}

// pandoc's --list-input-formats / --list-output-formats: one name a line.
int list_formats(const Engine &engine, docpipe_plugin_kind kind) {
  for (const auto &n : plugin_names(engine, kind)) std::cout << n << "\n";
  return 0;
}

// What `inspect` can tell of a file before (and whether or not) a plugin reads
// it: its kind, the decoder's decision, and every input plugin's probe score.
void inspect_header(const Engine &engine, const std::string &input) {
  std::ifstream in(input, std::ios::binary);
  if (!in) return;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const docpipe::FileKind kind = docpipe::recognise_kind(bytes);
  std::cout << input << "\n  kind: " << docpipe::kind_name(kind) << " (" << docpipe::kind_description(kind) << ")\n";
  std::string text;
  bool as_text = docpipe::is_text_kind(kind) || kind == docpipe::FileKind::binary_unknown;
  if (as_text) {
    try {
      const auto d = docpipe::decode_text(bytes);
      std::cout << "  encoding: " << d.encoding << " (" << d.decision << "), line ends " << d.line_endings << "\n";
      text = d.text;
    } catch (const Error &e) {
      std::cout << "  encoding: not decodable as text: " << e.what() << "\n";
      as_text = false;
    }
  } else {
    std::cout << "  encoding: none (not decoded as text: read as bytes by an input plugin of its kind)\n";
  }
  // Every input plugin's score: the text readers on the decoded text, the
  // readers of bytes on the bytes (as the engine probes them).
  std::cout << "  probe scores:";
  for (const auto *p : engine.plugins().of_kind(DOCPIPE_KIND_INPUT)) {
    const bool reads_bytes = DOCPIPE_PLUGIN_HAS(p->api, input_form) && p->api->input_form == DOCPIPE_INPUT_BYTES;
    if (!reads_bytes && !as_text) {
      std::cout << " " << p->name() << "=-";
      continue;
    }
    const std::string &data = reads_bytes ? bytes : text;
    double sc = p->api->probe(data.data(), data.size());
    if (!(sc >= 0.0)) sc = 0.0;
    std::cout << " " << p->name() << "=" << std::min(sc, 1.0);
  }
  std::cout << "\n";
}

int run_inspect(const Engine &engine, const std::string &input, const std::string &format_given, bool print_model) {
  try {
    const std::string format = plugin_name(engine, DOCPIPE_KIND_INPUT, format_given, true);
    if (print_model) {
      std::cout << docpipe::sdk::model::to_xml(
          engine.build(input, fs::path(input).filename().string(), format).document);
      return 0;
    }
    if (!fs::exists(input)) throw Error(ExitCode::no_input, input + ": no such file");
    inspect_header(engine, input);
    pugi::xml_document doc;
    try {
      doc = engine.build_model(input, fs::path(input).filename().string(), format);
    } catch (const Error &e) {
      std::cout << "  refused: " << e.what() << "\n" << std::flush;
      std::cerr << "docpipe: " << e.what() << "\n";
      return code(e.code());
    }
    const auto root = doc.child("document");
    const auto meta = root.child("metadata");
    std::cout << "  input plugin: " << meta.child("input").attribute("plugin").as_string() << " (confidence "
              << meta.child("input").attribute("confidence").as_string() << ")\n";
    int n = 0;
    for (auto t : root.child("body").children("table")) {
      size_t rows = 0, cells = 0;
      for (auto r : t.children("row")) {
        ++rows;
        for (auto c : r.children("cell")) (void)c, ++cells;
      }
      std::cout << "  table " << ++n << ": lines " << t.attribute("first-line").as_int() << "-"
                << t.attribute("last-line").as_int() << ", " << rows << " rows, " << cells << " cells\n";
    }
    const auto rep = meta.child("report");
    std::cout << "  report: " << rep.attribute("title").as_string() << " | " << rep.attribute("agency").as_string()
              << " | " << rep.attribute("year").as_string() << "\n";
    std::cout << "  template: " << root.child("template").attribute("id").as_string("none") << ", verdict "
              << root.child("verdict").attribute("status").as_string() << "\n";
    for (auto r : root.child("verdict").children("reason")) std::cout << "    " << r.text().as_string() << "\n";
    for (auto d : root.child("body").children("diagnostic"))
      std::cout << "  " << d.attribute("severity").as_string() << " line " << d.attribute("line").as_int() << ": "
                << d.text().as_string() << "\n";
    for (auto d : root.child("diagnostics").children("diagnostic"))
      std::cout << "  " << d.attribute("severity").as_string() << " line " << d.attribute("line").as_int() << ": "
                << d.text().as_string() << "\n";
    for (auto u : root.child("unmapped").children("item"))
      std::cout << "  unmapped line " << u.attribute("first-line").as_int() << ": " << u.text().as_string() << " ("
                << u.attribute("reason").as_string() << ")\n";
    return 0;
  } catch (const Error &e) {
    std::cerr << "docpipe: " << e.what() << "\n";
    return code(e.code());
  }
}

int run_validate(const Engine &engine, const std::vector<std::string> &inputs, const std::string &format) {
  size_t failed_inputs = 0, failing = 0;
  ExitCode last = ExitCode::ok;
  // Several files: the cross-year checks, each report's cells found in its
  // template cells by their labels, as a run finds them in the ledger.
  std::vector<docpipe::across::Report> reports;
  std::optional<docpipe::across::ReferencedLabels> labels;
  if (inputs.size() > 1) labels.emplace(engine.templates(), engine.cross_year());
  std::string cell_bytes;
  std::vector<docpipe::runner::CellView> cell_views;
  for (const auto &in : inputs) {
    try {
      const docpipe::BuiltModel built = engine.build(in, fs::path(in).filename().string(), format);
      if (labels) {
        reports.push_back({in, built.report.agency_key, built.report.year, built.template_id, {}});
        cell_bytes.clear();
        docpipe::runner::encode_cells(built.document, cell_bytes);
        docpipe::runner::view_cells(cell_bytes, cell_views);
        docpipe::across::referenced_cells(*labels, built.template_id, cell_views, reports.back().cells);
      }
      const docpipe::sdk::model::Document &doc = built.document;
      size_t pass = 0, blank = 0, fail = 0;
      for (const auto &c : doc.checks) {
        if (c.result == docpipe::sdk::model::CheckResult::fail) {
          ++fail;
          std::cout << in << ": FAIL " << c.identity << " " << c.table << (c.row.empty() ? "" : " row " + c.row)
                    << (c.column.empty() ? "" : " column " + c.column) << ": expected " << c.expected << ", actual "
                    << c.actual << "\n";
        } else {
          (c.result == docpipe::sdk::model::CheckResult::pass ? pass : blank)++;
        }
      }
      std::cout << in << ": " << (doc.tmpl ? doc.tmpl->id : std::string("no template")) << ", " << pass << " pass, "
                << blank << " hold with blanks, " << fail << " fail; verdict " << (doc.verdict.ok ? "ok" : "review")
                << "\n";
      if (fail > 0) ++failing;
    } catch (const Error &e) {
      std::cerr << "docpipe: " << e.what() << "\n";
      ++failed_inputs;
      last = e.code();
    }
  }
  // Several files: each agency's consecutive years against each other (docs/cross-year.md).
  if (inputs.size() > 1) {
    auto findings = docpipe::across::check(reports, engine.cross_year());
    for (auto &h : docpipe::across::alias_hints(reports)) findings.push_back(std::move(h));
    docpipe::across::print_findings(findings, std::cout);
    for (const auto &f : findings) failing += f.kind == "fail";
  }
  if (failed_inputs > 0) return inputs.size() == 1 ? code(last) : code(ExitCode::some_failed);
  return failing > 0 ? code(ExitCode::validation_failed) : 0;
}

// The command a user meant: the first argument that is not an option (the
// global options --plugin-dir and --formats-dir take a value).
std::string first_command(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--plugin-dir" || a == "--formats-dir" || a == "--agency-aliases") {
      ++i;
      continue;
    }
    if (a.starts_with("-")) continue;
    return std::string(a);
  }
  return "";
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{
      "docpipe: converts Chinese OGI annual reports (政府信息公开工作年度报告: HTML pages, .docx, .xlsx, PDF and "
      "text exports) into spreadsheets and data checked against the official templates"};
  app.name("docpipe");
  app.set_version_flag("--version", "docpipe " DOCPIPE_VERSION);
  app.require_subcommand(0, 1);
  app.footer(
      "Exit codes: 0 done; 1 some inputs failed; 2 validate: an identity fails; 64 bad command line; 65 bad input "
      "data; 66 input missing; 69 plugin unavailable; 70 internal error; 73 output not creatable; 74 I/O error or "
      "damaged ledger; 75 locked, retry; 78 bad template or pipeline; 130/143 stopped by a signal.");
  std::vector<std::string> plugin_dirs;
  std::string formats_dir;
  app.add_option("--plugin-dir", plugin_dirs, "Also look for plugins in this folder (before the others)");
  app.add_option("--formats-dir", formats_dir, "Folder with model schema and templates/ (default: installed)");
  std::string agency_aliases;
  app.add_option("--agency-aliases", agency_aliases,
                 "CSV alias,agency: names of one agency written differently (docs/cross-year.md)");
  bool list_input = false, list_output = false;
  app.add_flag("--list-input-formats", list_input, "Print the input formats (-f), one a line");
  app.add_flag("--list-output-formats", list_output, "Print the output formats (-t), one a line");

  std::vector<std::string> inputs, input_opts;
  std::string out_dir, format = "auto", types, stdin_name;
  std::vector<std::string> out_options;
  auto *convert = app.add_subcommand("convert", "Convert reports to XLSX, CSV, XML and a tidy values CSV");
  convert->add_option("inputs", inputs, "Input files ('-': stdin)");
  convert->add_option("-i,--input", input_opts, "Input file (also as plain arguments; '-': stdin)");
  convert->add_option("-o,--output", out_dir, "Output folder")->required();
  convert->add_option("-f,--from", format, "Input format, or auto (default); see --list-input-formats");
  convert->add_option("-t,--to", types, "Output formats, comma-separated (default: all); see --list-output-formats");
  convert->add_option("-O,--output-option", out_options, "PLUGIN:KEY=VALUE, e.g. csv:bom=false");
  convert->add_option("--name", stdin_name, "File name of the input read from stdin ('-'): its outputs' stem");
  std::vector<std::string> convert_overrides;
  convert->add_option("--overrides", convert_overrides,
                      "Corrections by hand: CSV file,table,row,column,value,note (docs/review.md); repeatable");
  int convert_memory_mb = 2048;
  convert
      ->add_option("--memory-mb", convert_memory_mb,
                   "Address space limit in MiB, as for `run` workers (default 2048; 0: none)")
      ->check(CLI::Range(0, 1 << 20));

  auto *formats = app.add_subcommand("formats", "List input and output formats (plugins) and templates");
  bool formats_verbose = false;
  formats->add_flag("-v,--verbose", formats_verbose, "Also each plugin's version and file, and each template's file");
  std::string inspect_input;
  auto *inspect =
      app.add_subcommand("inspect", "Show the file kind, encoding decision, probe scores and tables of an input");
  inspect->add_option("input", inspect_input, "Input file")->required();
  inspect->add_option("-f,--from", format, "Input format, or auto (default)");
  bool print_model = false;
  inspect->add_flag("--model", print_model, "Print the whole model (XML) instead of a summary");
  auto *validate = app.add_subcommand(
      "validate", "Check the accounting identities, and over several files the cross-year ones; exit 2 when one fails");
  validate->add_option("inputs", inputs, "Input files")->required();
  validate->add_option("-f,--from", format, "Input format, or auto (default)");
  validate->add_option("--overrides", convert_overrides,
                       "Corrections by hand, as for convert; identities checked after");

  docpipe::runner::RunOptions run_opts;
  std::string run_input, run_output;
  auto *run = app.add_subcommand("run", "Bulk conversion driven by a pipeline definition, with a job ledger");
  run->add_option("pipeline", run_opts.pipeline_file, "Pipeline definition (share/docpipe/pipelines/*.xml)")
      ->required();
  run->add_option("-i,--input", run_input, "Input folder (overrides the pipeline's)");
  run->add_option("-o,--output", run_output, "Output folder (holds the ledger)")->required();
  run->add_option("-j,--jobs", run_opts.jobs, "Parallel workers (default: number of cores; at most 1024)")
      ->check(CLI::Range(0, 1024));
  run->add_flag("--dry-run", run_opts.dry_run, "List what would be converted and what is skipped, and why");
  run->add_flag("--force", run_opts.force, "Convert every input again");
  run->add_flag("--known-failures-ok", run_opts.known_failures_ok,
                "Inputs that failed before and did not change (nor did the pipeline or docpipe) are not tried again "
                "and do not fail the run (they are reported)");
  std::vector<std::string> run_overrides;
  run->add_option("--overrides", run_overrides,
                  "Corrections by hand: CSV file,table,row,column,value,note (docs/review.md), applied after the "
                  "pipeline's <overrides>; repeatable");
  run->add_flag("--no-limits", run_opts.no_limits, "No time/memory limit per input (sanitizer builds)");
  run->add_flag("--rebuild-ledger", run_opts.rebuild_ledger,
                "Set the ledger aside (e.g. a damaged one), convert every input again, remove the outputs it listed "
                "that the new one does not");
  std::string run_shard;
  run->add_option("--shard", run_shard,
                  "I/N: convert only the inputs whose relative path hashes to I of N (0-based), into this output "
                  "folder; `docpipe merge` joins the N folders (docs/cluster.md)");

  std::vector<std::string> merge_dirs;
  std::string merge_out;
  auto *merge =
      app.add_subcommand("merge",
                         "Join the output folders of the N shards of one run into one, with its combined outputs and "
                         "cross-year checks, as one run would have made it");
  merge->add_option("shards", merge_dirs, "Output folders of `run --shard I/N`, all N of them")->required();
  merge->add_option("-o,--output", merge_out, "Output folder")->required();

  std::string status_dir, status_csv;
  auto *status = app.add_subcommand("status",
                                    "Report a bulk run's ledger: counts, failures, reports to review; exit 1 when "
                                    "inputs failed");
  status->add_option("output", status_dir, "Output folder of the run")->required();
  status->add_option("--csv", status_csv, "Also export the ledger as CSV to this file");

  std::string review_dir, review_csv;
  auto *review = app.add_subcommand(
      "review",
      "List what needs a person in an output folder (a run's, or convert's with -t xml): by reason, with "
      "file, cell and source line");
  review->add_option("output", review_dir, "Output folder of a run (or of convert)")->required();
  review->add_option("--csv", review_csv,
                     "Also write the list as CSV (its first columns are an overrides file's: the draft of the "
                     "corrections); '-': stdout only");

  // The worker side of `run` (one input per process); not for people.
  docpipe::runner::WorkerArgs wargs;
  auto *worker = app.add_subcommand("worker", "");
  worker->group("");
  worker->add_option("--input", wargs.input);
  worker->add_option("--name", wargs.name);
  worker->add_option("--format", wargs.format)->default_val("auto");
  worker->add_option("--target", wargs.targets);
  worker->add_option("--option", wargs.options);
  worker->add_option("--memory-mb", wargs.memory_mb);
  worker->add_flag("--serve", wargs.serve);
  std::vector<std::string> worker_overrides;
  worker->add_option("--overrides", worker_overrides);

  // A mistyped command: the nearest one, and every command.
  if (const std::string cmd = first_command(argc, argv); !cmd.empty()) {
    std::vector<std::string> commands;
    for (const auto *sub : app.get_subcommands([](const CLI::App *a) { return !a->get_group().empty(); }))
      commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), cmd) == commands.end() && cmd != "worker") {
      std::cerr << "docpipe: " << unknown_name("command", cmd, commands) << "\n";
      return code(ExitCode::usage);
    }
  }
  // The log of a scheduled `run` (stderr not a terminal) is JSON lines; its
  // errors before any work are JSON too.
  const bool json_log = first_command(argc, argv) == "run" && !isatty(2);
  auto fail = [&](const std::string &message, int rc) {
    if (json_log)
      docpipe::runner::log_error(std::cerr, rc, message);
    else
      std::cerr << "docpipe: " << message << "\n";
    return rc;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    if (json_log && e.get_exit_code() != 0) return fail(e.what(), code(ExitCode::usage));
    const int rc = app.exit(e);
    return rc == 0 ? 0 : code(ExitCode::usage);
  }
  if (!*convert && !*formats && !*inspect && !*validate && !*run && !*merge && !*status && !*review && !*worker &&
      !list_input && !list_output) {
    std::cerr << app.help() << "\ndocpipe: a command is required\n";
    return code(ExitCode::usage);
  }
  if (*convert) {
    inputs.insert(inputs.end(), input_opts.begin(), input_opts.end());
    if (inputs.empty()) {
      std::cerr << "docpipe: convert: no input (give files, -i FILE, or - for stdin)\n";
      return code(ExitCode::usage);
    }
  }
  if (*status || *review) {  // need no plugins
    try {
      return *status ? docpipe::runner::run_status(status_dir, status_csv)
                     : docpipe::runner::run_review(review_dir, review_csv);
    } catch (const Error &e) {
      std::cerr << "docpipe: " << e.what() << "\n";
      return code(e.code());
    } catch (const std::exception &e) {
      std::cerr << "docpipe: " << e.what() << "\n";
      return code(ExitCode::io_error);
    }
  }
  try {
    docpipe::EngineConfig cfg;
    for (const auto &d : plugin_dirs) cfg.plugin_dirs.emplace_back(d);
    cfg.formats_dir = formats_dir;
    for (const auto &f : *worker ? worker_overrides : convert_overrides) cfg.overrides.emplace_back(f);
    cfg.agency_aliases = agency_aliases;
    const Engine engine(cfg);
    if (list_input) return list_formats(engine, DOCPIPE_KIND_INPUT);
    if (list_output) return list_formats(engine, DOCPIPE_KIND_OUTPUT);
    if (*convert)
      return run_convert(engine, inputs, out_dir, format, types, out_options, convert_memory_mb, stdin_name);
    if (*formats) return run_formats(engine, formats_verbose);
    if (*inspect) return run_inspect(engine, inspect_input, format, print_model);
    if (*validate) return run_validate(engine, inputs, plugin_name(engine, DOCPIPE_KIND_INPUT, format, true));
    if (*run) {
      run_opts.input_override = run_input;
      run_opts.output_dir = run_output;
      for (const auto &f : run_overrides) run_opts.overrides.emplace_back(f);
      for (const auto &d : plugin_dirs) run_opts.forwarded_args.push_back("--plugin-dir=" + fs::absolute(d).string());
      if (!formats_dir.empty())
        run_opts.forwarded_args.push_back("--formats-dir=" + fs::absolute(formats_dir).string());
      if (!agency_aliases.empty())
        run_opts.forwarded_args.push_back("--agency-aliases=" + fs::absolute(agency_aliases).string());
      if (!run_shard.empty()) run_opts.shard = docpipe::across::parse_shard(run_shard);
      return docpipe::runner::run_pipeline(engine, run_opts);
    }
    if (*worker) return docpipe::runner::run_worker(engine, wargs);
    if (*merge) {
      std::vector<fs::path> dirs(merge_dirs.begin(), merge_dirs.end());
      return docpipe::across::run_merge(engine, dirs, merge_out);
    }
  } catch (const Error &e) {
    return fail(e.what(), code(e.code()));
  } catch (const fs::filesystem_error &e) {
    return fail(e.what(), code(ExitCode::io_error));
  } catch (const std::exception &e) {
    return fail(std::string("internal error: ") + e.what(), code(ExitCode::internal));
  }
  return 0;
}
