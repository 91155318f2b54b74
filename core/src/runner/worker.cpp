// The worker process: `docpipe worker --serve` takes jobs on stdin and
// answers each with a frame holding its result (result.hpp).
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>

#include <iostream>
#include <pugixml.hpp>
#include <sstream>

#include "runner/result.hpp"
#include "runner/runner.hpp"

namespace docpipe::runner {

namespace {

// Converts one input in the worker and returns its result (result.hpp).
std::string convert_job(const Engine &engine, const WorkerArgs &a, const std::string &input, const std::string &name,
                        const std::vector<std::string> &targets) {
  pugi::xml_document out;
  auto res = out.append_child("result");
  std::string cells;  // encoded (runner/cells.hpp)
  try {
    BuiltModel model = engine.build(input, name, a.format);
    encode_cells(model.document, cells);
    res.append_attribute("status") = "done";
    res.append_attribute("sha256") = model.sha256.c_str();
    res.append_attribute("plugin") = model.plugin.c_str();
    res.append_attribute("template") = model.template_id.c_str();
    res.append_attribute("verdict") = model.verdict.ok() ? "ok" : "review";
    std::string reasons;
    for (const auto &[code, text] : model.verdict.reasons) reasons += (reasons.empty() ? "" : "; ") + text;
    res.append_attribute("reasons") = reasons.c_str();
    res.append_attribute("title") = model.report.title.c_str();
    res.append_attribute("agency") = model.report.agency.c_str();
    res.append_attribute("year") = model.report.year.c_str();
    // (The cells the cross-year checks read are among the template cells: across/store.hpp.)
    res.append_attribute("agency-key") = model.report.agency_key.c_str();
    for (const docpipe::Violation &f : model.violations) {
      auto v = res.append_child("violation");
      v.append_attribute("identity") = f.identity.c_str();
      v.append_attribute("table") = f.table.c_str();
      v.append_attribute("row") = f.row.c_str();
      v.append_attribute("column") = f.column.c_str();
      v.append_attribute("expected") = f.expected.c_str();
      v.append_attribute("actual") = f.actual.c_str();
    }
    // All outputs in one call, on the one typed model.
    OutputRequest req;
    for (const auto &t : targets) {
      const size_t b1 = t.find('|'), b2 = t.find('|', b1 + 1);
      const std::string plugin = t.substr(0, b1);
      req.plugins.push_back(plugin);
      req.destinations[plugin] = {t.substr(b1 + 1, b2 - b1 - 1), t.substr(b2 + 1)};
    }
    for (const auto &opt : a.options) {
      const size_t colon = opt.find(':'), eq = opt.find('=');
      req.options[opt.substr(0, colon)][opt.substr(colon + 1, eq - colon - 1)] = opt.substr(eq + 1);
    }
    if (!req.plugins.empty())  // (no plugins would mean "every output plugin")
      for (const auto &f : engine.write_outputs(model.document, "", "", req))
        res.append_child("output").text() = f.string().c_str();
  } catch (const std::bad_alloc &) {
    cells.clear();
    res.remove_attributes();
    res.remove_children();
    res.append_attribute("status") = "failed";
    res.append_child("error").text() =
        (input + ": memory limit of " + std::to_string(a.memory_mb) + " MiB exceeded").c_str();
  } catch (const std::exception &e) {
    cells.clear();
    res.remove_attributes();
    res.remove_children();
    res.append_attribute("status") = "failed";
    // A plugin that ran out of memory says "out of memory": here that is the worker's limit.
    std::string why = e.what();
    if (a.memory_mb > 0 && why.size() >= 13 && why.compare(why.size() - 13, 13, "out of memory") == 0)
      why += ": memory limit of " + std::to_string(a.memory_mb) + " MiB exceeded";
    res.append_child("error").text() = why.c_str();
  }
  std::ostringstream ss;
  out.save(ss, "", pugi::format_raw);
  return encode_result(ss.str(), cells);
}

std::vector<std::string> split_tabs(const std::string &line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

}  // namespace

int run_worker(const Engine &engine, const WorkerArgs &a) {
#ifndef DOCPIPE_SANITIZED  // sanitizers reserve far more address space than any limit allows
  if (a.memory_mb > 0) {
    rlimit lim{static_cast<rlim_t>(a.memory_mb) << 20, static_cast<rlim_t>(a.memory_mb) << 20};
    setrlimit(RLIMIT_AS, &lim);
  }
#endif
  ::signal(SIGXFSZ, SIG_IGN);  // a file size limit fails the write (EFBIG, named), not the worker
  // A worker converts input after input: keep freed memory for the next one
  // instead of returning it to the kernel and faulting it back in each time.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  if (!a.serve) {
    const std::string frame = convert_job(engine, a, a.input, a.name, a.targets);
    std::cout << "\x1e" << frame.size() << "\n" << frame << std::flush;
    return 0;
  }
  // Serve: a job per stdin line "INPUT\tNAME\tTARGET...", a frame per result.
  std::string line;
  while (std::getline(std::cin, line)) {
    auto fields = split_tabs(line);
    if (fields.size() < 2) continue;
    const std::vector<std::string> targets(fields.begin() + 2, fields.end());
    const std::string frame = convert_job(engine, a, fields[0], fields[1], targets);
    std::cout << "\x1e" << frame.size() << "\n" << frame << std::flush;
  }
  return 0;
}

}  // namespace docpipe::runner
