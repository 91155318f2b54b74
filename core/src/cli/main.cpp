// docpipe: a thin command line over the engine. Logs go to stderr; results
// that a script reads (summaries) to stdout. Exit codes: see README.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <iostream>
#include <set>

#include "decode/decode.hpp"
#include "kind/kind.hpp"
#include "pipeline/engine.hpp"
#include "runner/pipeline.hpp"
#include "runner/runner.hpp"

namespace fs = std::filesystem;
using docpipe::Engine;
using docpipe::Error;
using docpipe::ExitCode;

namespace {

int code(ExitCode c) { return static_cast<int>(c); }

// "xlsx,csv" -> {"xlsx", "csv"}
std::vector<std::string> split_list(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// -O csv:bom=false  ->  options["csv"]["bom"] = "false"
bool parse_output_option(const std::string &spec, docpipe::OutputRequest &req) {
  const size_t colon = spec.find(':');
  const size_t eq = spec.find('=', colon == std::string::npos ? 0 : colon);
  if (colon == std::string::npos || eq == std::string::npos || colon == 0 || eq == colon + 1) return false;
  req.options[spec.substr(0, colon)][spec.substr(colon + 1, eq - colon - 1)] = spec.substr(eq + 1);
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
  ~ConvertTemp() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

 private:
  fs::path dir_;
};

int run_convert(const Engine &engine, const std::vector<std::string> &inputs, const std::string &out_dir,
                const std::string &format, const std::string &types, const std::vector<std::string> &out_options,
                int memory_mb) {
  docpipe::OutputRequest req;
  req.plugins = split_list(types);
  for (const auto &o : out_options)
    if (!parse_output_option(o, req)) {
      std::cerr << "docpipe: bad output option '" << o << "' (expected PLUGIN:KEY=VALUE)\n";
      return code(ExitCode::usage);
    }
  // Every output file belongs to one input (the rule `run` applies): inputs
  // whose names give the same stem in OUTDIR are refused before any work.
  const docpipe::runner::OutputOwners owners({{"", "{stem}", {}, 0}}, inputs.size(),
                                             [&](size_t k) { return std::string_view(inputs[k]); });
  if (!owners.collision().empty()) {
    std::cerr << "docpipe: inputs " << owners.collision() << " in " << out_dir
              << "; convert them into different output folders\n";
    return code(ExitCode::usage);
  }
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
    const fs::path p(in);
    auto o = engine.convert(p, p.filename().string(), format, out_dir, req);
    // Out of memory (in the core: std::bad_alloc; in a plugin: "out of memory"): the limit, named.
    const bool oom = !o.ok && ((o.code == ExitCode::internal && o.error.find("std::bad_alloc") != std::string::npos) ||
                               o.error.ends_with("out of memory"));
    if (oom && memory_mb > 0) {
      o.code = ExitCode::bad_input;
      o.error = in + ": memory limit of " + std::to_string(memory_mb) + " MiB exceeded (--memory-mb)";
    }
    if (!o.ok) {
      std::cerr << "docpipe: " << docpipe::sdk::escape_bytes(o.error) << "\n";  // names shown as everywhere
      ++failed;
      last = o.code;
      continue;
    }
    std::cerr << docpipe::sdk::escape_bytes(in) << ": " << (o.template_id.empty() ? "no template" : o.template_id)
              << ", " << o.verdict;
    if (o.failed_checks) std::cerr << ", " << o.failed_checks << " identities fail";
    std::cerr << ", " << o.files.size() << " files\n";
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

int run_formats(const Engine &engine) {
  std::cout << "Plugins:\n";
  for (const auto &p : engine.plugins().plugins()) {
    std::cout << "  " << p.name() << " " << p.api->version << "  (" << (p.is_input() ? "input" : "output") << ")  "
              << p.api->description << "\n"
              << "      " << p.file.string() << " [" << p.origin << "]\n";
  }
  if (!engine.plugins().failures().empty()) {
    std::cout << "Not loaded:\n";
    for (const auto &f : engine.plugins().failures()) std::cout << "  " << f.reason << " [" << f.origin << "]\n";
  }
  std::cout << "Templates:\n";
  for (const auto &t : engine.templates())
    std::cout << "  " << t.id << "  " << t.title << "  (" << t.cell_count() << " cells)  " << t.file.string() << "\n";
  return 0;
}

int run_inspect(const Engine &engine, const std::string &input, const std::string &format, bool print_model) {
  try {
    if (print_model) {
      std::cout << engine.build(input, fs::path(input).filename().string(), format).xml;
      return 0;
    }
    const auto doc = engine.build_model(input, fs::path(input).filename().string(), format);
    const auto root = doc.child("document");
    const auto meta = root.child("metadata");
    std::ifstream in(input, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const docpipe::FileKind kind = docpipe::recognise_kind(bytes);
    std::cout << input << "\n  kind: " << docpipe::kind_name(kind) << " (" << docpipe::kind_description(kind) << ")";
    std::cout << "\n  encoding: " << meta.child("encoding").attribute("name").as_string() << " ("
              << meta.child("encoding").attribute("decision").as_string() << "), line ends "
              << meta.child("encoding").attribute("line-endings").as_string() << "\n";
    std::cout << "  input plugin: " << meta.child("input").attribute("plugin").as_string() << " (confidence "
              << meta.child("input").attribute("confidence").as_string() << ")\n";
    // Probe scores again on the decoded text, for people choosing -f.
    std::cout << "  probe scores:";
    if (std::string(meta.child("encoding").attribute("name").as_string()) == "none")
      std::cout << " (the input plugin reads the bytes; text plugins not probed)";
    else
      for (const auto &s : engine.probe(docpipe::decode_text(bytes).text))
        std::cout << " " << s.plugin << "=" << s.score;
    std::cout << "\n";
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
  for (const auto &in : inputs) {
    try {
      const auto doc = engine.build_model(in, fs::path(in).filename().string(), format);
      const auto root = doc.child("document");
      size_t pass = 0, blank = 0, fail = 0;
      for (auto c : root.child("checks").children("check")) {
        const std::string r = c.attribute("result").as_string();
        if (r == "fail") {
          ++fail;
          const std::string row = c.attribute("row").as_string(), col = c.attribute("column").as_string();
          std::cout << in << ": FAIL " << c.attribute("identity").as_string() << " " << c.attribute("table").as_string()
                    << (row.empty() ? "" : " row " + row) << (col.empty() ? "" : " column " + col) << ": expected "
                    << c.attribute("expected").as_string() << ", actual " << c.attribute("actual").as_string() << "\n";
        } else {
          (r == "pass" ? pass : blank)++;
        }
      }
      std::cout << in << ": " << root.child("template").attribute("id").as_string("no template") << ", " << pass
                << " pass, " << blank << " hold with blanks, " << fail << " fail; verdict "
                << root.child("verdict").attribute("status").as_string() << "\n";
      if (fail > 0) ++failing;
    } catch (const Error &e) {
      std::cerr << "docpipe: " << e.what() << "\n";
      ++failed_inputs;
      last = e.code();
    }
  }
  if (failed_inputs > 0) return inputs.size() == 1 ? code(last) : code(ExitCode::some_failed);
  return failing > 0 ? code(ExitCode::validation_failed) : 0;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"docpipe: converts text exports of 政府信息公开工作年度报告 into spreadsheets and data"};
  app.require_subcommand(1);
  std::vector<std::string> plugin_dirs;
  std::string formats_dir;
  app.add_option("--plugin-dir", plugin_dirs, "Also look for plugins in this folder (before the others)");
  app.add_option("--formats-dir", formats_dir, "Folder with model schema and templates/ (default: installed)");

  std::vector<std::string> inputs;
  std::string out_dir, format = "auto", types;
  std::vector<std::string> out_options;
  auto *convert = app.add_subcommand("convert", "Convert reports to XLSX, CSV, XML and a tidy values CSV");
  convert->add_option("inputs", inputs, "Input text files")->required();
  convert->add_option("-o,--output", out_dir, "Output folder")->required();
  convert->add_option("-f,--from", format, "Input plugin, or auto (default)");
  convert->add_option("-t,--to", types, "Output plugins, comma-separated (default: all)");
  convert->add_option("-O,--output-option", out_options, "PLUGIN:KEY=VALUE, e.g. csv:bom=false");
  int convert_memory_mb = 2048;
  convert
      ->add_option("--memory-mb", convert_memory_mb,
                   "Address space limit in MiB, as for `run` workers (default 2048; 0: none)")
      ->check(CLI::Range(0, 1 << 20));

  auto *formats = app.add_subcommand("formats", "List plugins (and those that failed to load) and templates");
  std::string inspect_input;
  auto *inspect = app.add_subcommand("inspect", "Show the encoding decision, probe scores and tables of an input");
  inspect->add_option("input", inspect_input, "Input text file")->required();
  inspect->add_option("-f,--from", format, "Input plugin, or auto (default)");
  bool print_model = false;
  inspect->add_flag("--model", print_model, "Print the whole model (XML) instead of a summary");
  auto *validate = app.add_subcommand("validate", "Check the accounting identities; exit 2 when one fails");
  validate->add_option("inputs", inputs, "Input text files")->required();
  validate->add_option("-f,--from", format, "Input plugin, or auto (default)");

  docpipe::runner::RunOptions run_opts;
  std::string run_input, run_output;
  auto *run = app.add_subcommand("run", "Bulk conversion driven by a pipeline definition, with a job ledger");
  run->add_option("pipeline", run_opts.pipeline_file, "Pipeline definition (pipelines/*.xml)")->required();
  run->add_option("--input", run_input, "Input folder (overrides the pipeline's)");
  run->add_option("--output", run_output, "Output folder (holds the ledger)")->required();
  run->add_option("-j,--jobs", run_opts.jobs, "Parallel workers (default: number of cores; at most 1024)")
      ->check(CLI::Range(0, 1024));
  run->add_flag("--dry-run", run_opts.dry_run, "List what would be converted and why, convert nothing");
  run->add_flag("--force", run_opts.force, "Convert every input again");
  run->add_flag("--no-limits", run_opts.no_limits, "No time/memory limit per input (sanitizer builds)");
  run->add_flag("--rebuild-ledger", run_opts.rebuild_ledger,
                "Set the ledger aside (e.g. a damaged one), convert every input again, remove the outputs it listed "
                "that the new one does not");

  std::string status_dir, status_csv;
  auto *status = app.add_subcommand("status", "Report a bulk run's ledger: counts, failures, reports to review");
  status->add_option("output", status_dir, "Output folder of the run")->required();
  status->add_option("--csv", status_csv, "Also export the ledger as CSV to this file");

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : code(ExitCode::usage);
  }
  if (*status) {  // needs no plugins
    try {
      return docpipe::runner::run_status(status_dir, status_csv);
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
    const Engine engine(cfg);
    if (*convert) return run_convert(engine, inputs, out_dir, format, types, out_options, convert_memory_mb);
    if (*formats) return run_formats(engine);
    if (*inspect) return run_inspect(engine, inspect_input, format, print_model);
    if (*validate) return run_validate(engine, inputs, format);
    if (*run) {
      run_opts.input_override = run_input;
      run_opts.output_dir = run_output;
      for (const auto &d : plugin_dirs) run_opts.forwarded_args.push_back("--plugin-dir=" + fs::absolute(d).string());
      if (!formats_dir.empty())
        run_opts.forwarded_args.push_back("--formats-dir=" + fs::absolute(formats_dir).string());
      return docpipe::runner::run_pipeline(engine, run_opts);
    }
    if (*worker) return docpipe::runner::run_worker(engine, wargs);
  } catch (const Error &e) {
    std::cerr << "docpipe: " << e.what() << "\n";
    return code(e.code());
  } catch (const fs::filesystem_error &e) {
    std::cerr << "docpipe: " << e.what() << "\n";
    return code(ExitCode::io_error);
  } catch (const std::exception &e) {
    std::cerr << "docpipe: internal error: " << e.what() << "\n";
    return code(ExitCode::internal);
  }
  return 0;
}
