#include "runner/plan.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <pugixml.hpp>

#include "across/shard.hpp"
#include "error.hpp"
#include "model/model.hpp"
#include "runner/events.hpp"
#include "templates/mapper.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;

void InputList::sort() {
  std::sort(offsets_.begin(), offsets_.end(), [&](size_t a, size_t b) { return view(a) < view(b); });
}

int64_t InputList::index_of(std::string_view rel) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (at(mid) < rel)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < size() && at(lo) == rel ? static_cast<int64_t>(lo) : -1;
}

// The input's size and modification time (left -1 when it cannot be stat'ed).
void read_stat(Candidate &c) {
  struct stat st {};
  if (::stat(c.path.c_str(), &st) == 0) {
    c.size = static_cast<int64_t>(st.st_size);
    c.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
}

// The content hash of an input the worker could not report on (it failed
// before reading it, crashed or hung): read here, "" if it cannot be read.
std::string hash_of(const Candidate &c) {
  if (!c.hash.empty()) return c.hash;
  try {
    return sha256_hex(read_file_bytes(c.path));
  } catch (const std::exception &) {
    return "";
  }
}

// Whether `path` (made canonical, following every symlink in it) lies
// inside `root` (canonical).
bool inside(const fs::path &path, const fs::path &root) {
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(path, ec);
  if (ec) return false;
  const std::string &r = root.native(), &p = real.native();
  if (r == "/") return p.size() > 1;
  return p.size() > r.size() && p.compare(0, r.size(), r) == 0 && p[r.size()] == '/';
}

namespace {

enum class Reason : uint8_t {
  none,
  forced,
  new_input,
  content_changed,
  pipeline_changed,
  failed_before,
  output_missing
};

const char *reason_text(Reason r) {
  switch (r) {
    case Reason::forced:
      return "forced";
    case Reason::new_input:
      return "new";
    case Reason::content_changed:
      return "content changed";
    case Reason::pipeline_changed:
      return "pipeline, templates, plugins, docpipe or its corrections (overrides) changed";
    case Reason::failed_before:
      return "failed before";
    case Reason::output_missing:
      return "an output is missing";
    case Reason::none:
      break;
  }
  return "";
}

// The relative paths of a run's inputs, packed into one buffer and sorted:

// An entry of the input folder that is not taken as an input, and why.
struct Skipped {
  std::string relpath, why;
};

// The inputs under `folder` that the globs select, in sorted order. Symlinks
// are followed only to files inside the input folder; symlinked folders,
// loops, dangling links, FIFOs, sockets and devices, and folders that cannot
// be read are skipped with the reason (those that are not folders only when
// the globs select them). The output folder is never an input.
InputList find_inputs(const Pipeline &p, const fs::path &out_dir, std::vector<Skipped> &skipped,
                      const across::Shard &shard) {
  InputList all;
  auto rel_of = [&](const fs::path &f) { return f.lexically_relative(p.input_folder).generic_string(); };
  auto selected = [&](const std::string &rel) {
    return std::any_of(p.include.begin(), p.include.end(), [&](auto &g) { return glob_match(g, rel); }) &&
           !std::any_of(p.exclude.begin(), p.exclude.end(), [&](auto &g) { return glob_match(g, rel); });
  };
  std::vector<fs::path> folders{p.input_folder};
  while (!folders.empty()) {
    const fs::path folder = std::move(folders.back());
    folders.pop_back();
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) {
      skipped.push_back({rel_of(folder) + "/", "the folder cannot be read: " + ec.message()});
      continue;
    }
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const fs::path path = it->path();
      const std::string rel = rel_of(path);
      std::error_code sec;
      fs::file_status st = it->symlink_status(sec);
      if (fs::is_symlink(st)) {
        const fs::path target = fs::canonical(path, sec);
        if (sec) {
          if (selected(rel)) skipped.push_back({rel, "a symlink that cannot be followed: " + sec.message()});
          continue;
        }
        st = fs::status(target, sec);
        if (fs::is_directory(st)) {
          skipped.push_back({rel + "/", "a symlinked folder: not followed"});
          continue;
        }
        if (!selected(rel)) continue;
        if (!inside(target, p.input_folder)) {
          skipped.push_back({rel, "a symlink to " + target.string() + ", outside the input folder: not followed"});
          continue;
        }
        if (inside(target, out_dir)) {
          skipped.push_back({rel, "a symlink into the output folder: not followed"});
          continue;
        }
      }
      if (fs::is_directory(st)) {
        if (!fs::equivalent(path, out_dir, sec)) folders.push_back(path);
        continue;
      }
      if (!selected(rel)) continue;
      if (!fs::is_regular_file(st)) {
        const char *what = fs::is_fifo(st)                                      ? "a FIFO"
                           : fs::is_socket(st)                                  ? "a socket"
                           : fs::is_block_file(st) || fs::is_character_file(st) ? "a device"
                                                                                : "not a regular file";
        skipped.push_back({rel, std::string(what) + ": not read"});
        continue;
      }
      if (across::in_shard(rel, shard)) all.add(rel);  // --shard I/N: this run's part only
    }
    if (ec) skipped.push_back({rel_of(folder) + "/", "the folder cannot be read to the end: " + ec.message()});
  }
  all.sort();
  std::sort(skipped.begin(), skipped.end(), [](const Skipped &a, const Skipped &b) { return a.relpath < b.relpath; });
  return all;
}

// Option values are known only to their plugins: each output plugin writes
// a tiny model (an empty body) with the pipeline's options into a scratch
// folder before any input is read, and an option it refuses
// (DOCPIPE_ERR_OPTION) refuses the pipeline, with the line. Other failures
// on that empty model are not the options' fault and are left to the run.
// Returns, per output, the file suffixes its plugin wrote (".xlsx",
// ".values.csv"; a plugin that writes a file per table writes none here).
std::vector<std::vector<std::string>> check_output_options(const Engine &engine, const Pipeline &p,
                                                           const fs::path &scratch) {
  const sdk::RawDocument body;
  const templates::Mapping mapping = templates::map_body(body, engine.templates());
  const auto checks = templates::run_checks(mapping);
  const sdk::model::Document empty_model =
      model::assemble({"(options check)", "(options check)", "", 0, "plan", "0", 1.0}, DecodedText{}, {}, body, mapping,
                      checks, engine::judge(body, mapping, checks));
  std::error_code ec;
  std::vector<std::vector<std::string>> suffixes;
  for (const OutputSpec &out : p.outputs) {
    OutputRequest req;
    req.plugins = {out.plugin};
    req.options[out.plugin] = out.options;
    fs::create_directories(scratch, ec);
    auto &mine = suffixes.emplace_back();
    try {
      for (const fs::path &f : engine.write_outputs(empty_model, scratch, "options-check", req))
        mine.push_back(f.filename().string().substr(std::string("options-check").size()));
    } catch (const Error &e) {
      if (e.code() == ExitCode::usage) {
        fs::remove_all(scratch, ec);
        throw Error(ExitCode::config, p.file.string() + ":" + std::to_string(out.line) + ": " + e.what());
      }
    }
    fs::remove_all(scratch, ec);
  }
  return suffixes;
}

std::string fingerprint(const Engine &engine, const Pipeline &p) {
  // What makes an earlier result stale: the definition, docpipe's version,
  // the templates and the plugins' versions.
  std::string s = p.content_hash + "|" DOCPIPE_VERSION;
  for (const auto &t : engine.templates()) s += "|" + sha256_hex(read_file_bytes(t.file));
  for (const auto &pl : engine.plugins().plugins()) s += "|" + pl.name() + "@" + pl.api->version;
  s += "|" + p.input_plugin;
  if (!engine.agency_aliases().digest().empty()) s += "|aliases:" + engine.agency_aliases().digest();
  // Results recorded before the ledger kept each input's template cells
  // (from which the combined outputs are built) are stale too.
  s += "|cells";
  return sha256_hex(s);
}

}  // namespace

Candidate Plan::candidate(uint32_t index, const Pipeline &p) const {
  Candidate c{p.input_folder / std::string(all.at(index)), std::string(all.at(index)), "", -1, -1, "", index};
  read_stat(c);
  return c;
}

void make_plan(const Engine &engine, const Pipeline &p, const RunOptions &o, const fs::path &out_dir, Ledger &ledger,
               const fs::path &scratch, Plan &plan) {
  std::error_code ec;
  plan.pipeline_hash = fingerprint(engine, p);
  const RunCorrections &corrections = plan.corrections.emplace(p, o.overrides, engine.templates());
  const auto suffixes = check_output_options(engine, p, scratch);

  // Inputs, in a stable order. Only their relative paths are kept for the
  // whole run (packed), and of those to convert a few numbers: 100,000
  // inputs cost the runner a few MiB.
  std::vector<Skipped> skipped;
  plan.all = find_inputs(p, out_dir, skipped, o.shard);
  const InputList &all = plan.all;
  plan.skipped_entries = skipped.size();
  const bool tty = isatty(2);
  for (const auto &sk : skipped) {
    if (o.dry_run) std::cout << "skip\t" << sk.relpath << "\t" << sk.why << "\n";
    notice(tty, "skipped " + shown(sk.relpath) + ": " + shown(sk.why),
           {{"event", "skipped"}, {"file", shown(sk.relpath)}, {"reason", shown(sk.why)}});
  }

  if (all.size() == 0) {  // a wrong folder or globs, most often: say so rather than finish quietly
    const std::string msg =
        o.shard.count > 1
            ? p.input_folder.string() + ": no input falls in shard " + o.shard.text() + " (docs/cluster.md)"
            : p.input_folder.string() + ": no input matches the pipeline's include patterns (" + p.file.string() +
                  "); is this the right folder (--input)?";
    notice(tty, "warning: " + msg, {{"event", "warning"}, {"message", shown(msg)}});
  }

  for (const std::string &msg : corrections.unknown_inputs(all.size(), [&all](size_t k) { return all.at(k); }))
    notice(tty, "warning: " + shown(msg), {{"event", "warning"}, {"message", shown(msg)}});

  // Every output file belongs to one input, and none takes the name of a
  // combined output or the ledger's folder: checked before any work.
  const OutputOwners &owners = plan.owners.emplace(p.outputs, all.size(), [&all](size_t k) { return all.at(k); });
  if (!owners.collision().empty())
    throw Error(ExitCode::config, p.file.string() + ": " + owners.collision() +
                                      "; keep them apart in the output path (e.g. {relpath}/{stem}) or exclude one");
  for (const std::string &name : {p.combined_values, p.combined_summary})
    for (size_t i = 0; i < p.outputs.size(); ++i)
      for (const std::string &suffix : suffixes[i])
        if (!name.empty() && name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            owners.owns_stem(name.substr(0, name.size() - suffix.size()), i))
          throw Error(ExitCode::config, p.file.string() +
                                            ": an input's output would take the name of the combined output '" + name +
                                            "'; rename it in <combined> or exclude the input");
  for (size_t k = 0; k < all.size(); ++k)
    for (const auto &out : p.outputs)
      if (const fs::path t = expand_pattern(out.pattern, std::string(all.at(k)));
          !t.empty() && *t.begin() == ".docpipe")
        throw Error(ExitCode::config, p.file.string() + ": '" + std::string(all.at(k)) +
                                          "' would write its outputs into the ledger's folder .docpipe");

  // What to convert. An input whose size and modification time are those the
  // ledger recorded with its hash is taken to hold that content and is not
  // read (as make and rsync do; --force converts everything regardless); one
  // whose stat changed is hashed, so that a touched or copied file with the
  // same bytes is still skipped. A new input is hashed by its worker.
  std::vector<uint32_t> &todo = plan.todo;
  std::vector<Ledger::StatUpdate> restat;
  for (size_t k = 0; k < all.size(); ++k) {
    Candidate c{p.input_folder / std::string(all.at(k)), std::string(all.at(k)), "", -1, -1, ""};
    read_stat(c);
    const auto prev = o.force ? std::nullopt : ledger.find(c.relpath);
    if (prev) {
      const bool same_stat = c.size >= 0 && prev->size == c.size && prev->mtime_ns == c.mtime_ns;
      if (same_stat && !prev->content_hash.empty()) {
        c.hash = prev->content_hash;
      } else {
        c.hash = hash_of(c);
        if (c.hash == prev->content_hash && c.size >= 0) restat.push_back({c.relpath, c.size, c.mtime_ns});
      }
    }
    Reason why = Reason::none;
    if (o.force)
      why = Reason::forced;
    else if (!prev)
      why = Reason::new_input;
    else if (prev->content_hash != c.hash)
      why = Reason::content_changed;
    else if (prev->pipeline_hash != plan.fingerprint(c.relpath))
      why = Reason::pipeline_changed;
    else if (prev->status != "done" && o.known_failures_ok) {
      // The same bytes through the same pipeline and docpipe would fail the same way.
      ++plan.known_failures;
      if (o.dry_run)
        std::cout << "skip\t" << shown(c.relpath) << "\tknown failure (--known-failures-ok): " << shown(prev->error)
                  << "\n";
      else
        notice(tty, "known failure, not retried: " + shown(c.relpath) + ": " + shown(prev->error),
               {{"event", "known-failure"}, {"file", shown(c.relpath)}, {"error", shown(prev->error)}});
      continue;
    } else if (prev->status != "done")
      why = Reason::failed_before;
    else {
      for (const auto &f : prev->outputs)
        if (!fs::exists(out_dir / f, ec)) why = Reason::output_missing;
    }
    if (why == Reason::none) {
      if (o.dry_run) std::cout << "skip\t" << c.relpath << "\tup to date\n";
      continue;
    }
    todo.push_back(static_cast<uint32_t>(k));
    if (o.dry_run) std::cout << "would convert\t" << shown(c.relpath) << "\t" << reason_text(why) << "\n";
  }
  if (!o.dry_run) ledger.update_stat(restat);
}

}  // namespace docpipe::runner
