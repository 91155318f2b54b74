#include "runner/runner.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/dll/runtime_symbol_info.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <ctime>
#include <deque>
#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "across/store.hpp"
#include "decode/decode.hpp"
#include "error.hpp"
#include "model/model.hpp"
#include "runner/combined.hpp"
#include "runner/csv_read.hpp"
#include "runner/ledger.hpp"
#include "runner/pipeline.hpp"
#include "support/csv.hpp"
#include "templates/mapper.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"

extern char **environ;

namespace docpipe::runner {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// How a path (bytes, perhaps not UTF-8) or a message that holds one is shown
// in every output: the SDK's one reversible escape.
std::string shown(std::string_view bytes) { return sdk::escape_bytes(bytes); }

// One JSON line (nlohmann-json refuses invalid UTF-8; every string here has
// been through shown() or is text docpipe decoded).
void put_json_line(std::ostream &os, const nlohmann::ordered_json &j) { os << j.dump() << "\n"; }

// Holds an exclusive flock on OUTDIR/.docpipe/lock for the life of the run:
// two scheduled runs of the same output folder never overlap.
class RunLock {
 public:
  explicit RunLock(const fs::path &file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw Error(ExitCode::cant_create, file.string() + ": cannot create the lock: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(ExitCode::temp_failure, file.string() + ": another run holds the lock; retry later");
    }
  }
  ~RunLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

struct Candidate {
  fs::path path;
  std::string relpath;
  std::string hash;  // known before the run only for inputs in the ledger; else the worker's
  int64_t size = -1, mtime_ns = -1;
  std::string reason;  // why it runs, or "" when it is skipped
  uint32_t index = 0;  // in the run's InputList
};

// Why an input is converted (or not).
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
      return "pipeline, templates, plugins or docpipe changed";
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
// a run over 100,000 inputs keeps a few MiB here, not a path object each.
class InputList {
 public:
  void add(std::string_view relpath) {
    offsets_.push_back(blob_.size());
    blob_.append(relpath);
    blob_.push_back('\0');
  }
  void sort() {
    std::sort(offsets_.begin(), offsets_.end(), [&](size_t a, size_t b) { return view(a) < view(b); });
  }
  size_t size() const { return offsets_.size(); }
  std::string_view at(size_t k) const { return view(offsets_[k]); }

 private:
  std::string_view view(size_t offset) const { return std::string_view(blob_.c_str() + offset); }
  std::string blob_;
  std::vector<size_t> offsets_;
};

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

// Reads a worker's result record (an XML <result>) into a ledger row.
InputRecord parse_result(const Candidate &c, const std::string &xml, const fs::path &out_dir) {
  InputRecord r;
  r.relpath = c.relpath;
  r.size = c.size;
  r.mtime_ns = c.mtime_ns;
  r.status = "failed";
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    r.content_hash = hash_of(c);
    r.error = "the worker's result is unreadable";
    return r;
  }
  const auto res = doc.child("result");
  // The hash of the bytes the worker converted (it read them anyway).
  r.content_hash = res.attribute("sha256").as_string();
  if (r.content_hash.empty()) r.content_hash = hash_of(c);
  r.status = res.attribute("status").as_string("failed");
  r.error = res.child("error").text().as_string();
  r.plugin = res.attribute("plugin").as_string();
  r.template_id = res.attribute("template").as_string();
  r.verdict = res.attribute("verdict").as_string();
  r.reasons = res.attribute("reasons").as_string();
  r.title = res.attribute("title").as_string();
  r.agency = res.attribute("agency").as_string();
  r.year = res.attribute("year").as_string();
  across::read_result(res, r.agency_key, r.cross_cells);
  for (auto o : res.children("output"))
    r.outputs.push_back(fs::path(o.text().as_string()).lexically_relative(out_dir).generic_string());
  std::sort(r.outputs.begin(), r.outputs.end());
  for (auto v : res.children("violation"))
    r.violations.push_back({v.attribute("identity").as_string(), v.attribute("table").as_string(),
                            v.attribute("row").as_string(), v.attribute("column").as_string(),
                            v.attribute("expected").as_string(), v.attribute("actual").as_string()});
  return r;
}

volatile std::sig_atomic_t g_stop = 0;  // the signal that asked the run to stop
extern "C" void on_stop(int sig) { g_stop = sig; }

// Why a worker died of a signal, in the words of its cause.
std::string death_by_signal(int sig) {
  switch (sig) {
    case SIGKILL:
      return "the worker was killed (SIGKILL) from outside docpipe: most often the system's out-of-memory killer, "
             "or an operator";
    case SIGXFSZ:
      return "the worker exceeded the file size limit (SIGXFSZ, ulimit -f)";
    case SIGXCPU:
      return "the worker exceeded the CPU time limit (SIGXCPU, ulimit -t)";
    case SIGTERM:
    case SIGINT:
    case SIGHUP:
      return std::string("the worker was stopped by ") + strsignal(sig) + " from outside docpipe";
    default:
      return std::string("the parser crashed (") + strsignal(sig) + ")";
  }
}

// One worker process (`docpipe worker --serve`): it takes jobs on stdin, a
// line each, and answers each with a frame "\x1e<length>\n<result XML>" on
// stdout, in order. It is started once and serves many inputs (process
// start-up and plugin loading are paid once), and replaced when it crashes,
// overruns the time limit (it is killed) or has served its quota. The runner
// keeps a second job queued behind the one being converted, so the worker
// never waits for the runner between inputs.
class Worker {
 public:
  enum class Outcome { result, timeout, died };

  explicit Worker(std::vector<std::string> argv) : argv_(std::move(argv)) {}
  ~Worker() { stop(); }

  bool running() const { return pid_ > 0; }
  bool due_for_restart() const { return served_ >= kJobsPerWorker; }

  // Queues one job line; false when the worker is gone (its next frame then
  // reports how it died).
  bool send(const std::string &job) {
    if (pid_ <= 0) restart();
    ++served_;
    return write_all(job + "\n");
  }

  // The next result frame, or why there is none by `deadline`.
  Outcome receive(std::string &frame, Clock::time_point deadline) { return read_frame(frame, deadline); }

  // After a timeout or death: kills and reaps the worker and says what happened.
  std::string post_mortem(Outcome o, int seconds) {
    std::string why;
    if (o == Outcome::timeout) {
      ::kill(pid_, SIGKILL);
      why = "time limit of " + std::to_string(seconds) + " s exceeded; the worker was killed";
    }
    const int status = reap();
    if (o != Outcome::timeout) {
      if (WIFSIGNALED(status))
        why = death_by_signal(WTERMSIG(status));
      else
        why = "the worker exited with code " + std::to_string(WEXITSTATUS(status)) + " without a result";
      std::string tail = log_.substr(log_.size() > 300 ? log_.size() - 300 : 0);
      for (auto &ch : tail)
        if (ch == '\n') ch = ' ';
      if (!tail.empty()) why += ": " + tail;
    }
    log_.clear();
    return why;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::close(in_);
    in_ = -1;
    reap();
  }

  void restart() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap();
    }
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
      throw Error(ExitCode::internal, std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    // The runner ignores SIGPIPE (a dead worker's pipe must not kill it); the
    // worker gets the default back.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t dflt;
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &dflt);
    // SIGINT and SIGTERM (a Ctrl-C reaches the whole process group) are the
    // runner's to handle: it stops handing out inputs and lets each worker
    // finish the ones it holds, then closes its input.
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &blocked);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char *> args;
    for (const auto &a : argv_) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, args[0], &fa, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
      pid_ = -1;
      ::close(in[1]);
      ::close(out[0]);
      ::close(err[0]);
      throw Error(ExitCode::internal, "cannot start a worker: " + std::string(std::strerror(rc)));
    }
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    buffer_.clear();
    log_.clear();
    served_ = 0;
  }

 private:
  static constexpr int kJobsPerWorker = 2000;  // bounds heap growth and fragmentation

  int reap() {
    int status = 0;
    if (pid_ > 0)
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    pid_ = -1;
    for (int *fd : {&in_, &out_, &err_})
      if (*fd >= 0) {
        ::close(*fd);
        *fd = -1;
      }
    return status;
  }

  bool write_all(const std::string &s) {
    size_t done = 0;
    while (done < s.size()) {
      const ssize_t n = ::write(in_, s.data() + done, s.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  Outcome read_frame(std::string &frame, Clock::time_point deadline) {
    char buf[65536];
    while (true) {
      // A complete frame in the buffer?
      const size_t start = buffer_.find('\x1e');
      if (start != std::string::npos) {
        const size_t nl = buffer_.find('\n', start);
        if (nl != std::string::npos) {
          const size_t len = std::strtoul(buffer_.c_str() + start + 1, nullptr, 10);
          if (buffer_.size() >= nl + 1 + len) {
            frame = buffer_.substr(nl + 1, len);
            buffer_.erase(0, nl + 1 + len);
            return Outcome::result;
          }
        }
      }
      if (out_ < 0) return Outcome::died;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return Outcome::timeout;
      pollfd p[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
      const int n = ::poll(p, err_ >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) continue;
      if (p[1].revents != 0 && err_ >= 0) {
        const ssize_t got = ::read(err_, buf, sizeof buf);
        if (got > 0) {
          log_.append(buf, static_cast<size_t>(got));
          if (log_.size() > 8192) log_.erase(0, log_.size() - 4096);
        } else {
          ::close(err_);
          err_ = -1;
        }
      }
      if (p[0].revents != 0) {
        const ssize_t got = ::read(out_, buf, sizeof buf);
        if (got <= 0) {
          // drain what the dying worker said on stderr
          while (err_ >= 0) {
            const ssize_t e = ::read(err_, buf, sizeof buf);
            if (e <= 0) break;
            log_.append(buf, static_cast<size_t>(e));
          }
          return Outcome::died;
        }
        buffer_.append(buf, static_cast<size_t>(got));
      }
    }
  }

  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string buffer_, log_;
  int served_ = 0;
};

class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(2)), start_(Clock::now()) {}

  void input(const InputRecord &r) {
    ++done_;
    if (r.status != "done") ++failed_;
    if (tty_) {
      if (r.status != "done") std::cerr << "\r\033[K" << shown(r.relpath) << ": " << shown(r.error) << "\n";
      bar();
    } else {
      nlohmann::ordered_json j = {
          {"event", "input"}, {"file", shown(r.relpath)}, {"status", r.status}, {"verdict", r.verdict}};
      if (!r.error.empty()) j["error"] = shown(r.error);
      j["done"] = done_;
      j["total"] = total_;
      put_json_line(std::cerr, j);
    }
  }
  void finish() {
    if (tty_ && total_ > 0) std::cerr << "\n";
  }

 private:
  void bar() {
    const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
    const int width = 30;
    const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
    const long eta = rate > 0 ? static_cast<long>(static_cast<double>(total_ - done_) / rate) : 0;
    char line[160];
    std::snprintf(line, sizeof line, "\r[%s%s] %zu/%zu  %.1f/s  ETA %ld:%02ld%s", std::string(filled, '#').c_str(),
                  std::string(width - filled, '.').c_str(), done_, total_, rate, eta / 60, eta % 60,
                  failed_ ? ("  " + std::to_string(failed_) + " failed").c_str() : "");
    std::cerr << line << std::flush;
  }
  size_t total_, done_ = 0, failed_ = 0;
  bool tty_;
  Clock::time_point start_;
};

// Temporary files of a killed run ("." NAME ".tmp-PID-N") are removed under the lock.
void remove_stale_temporaries(const fs::path &out_dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(out_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos)
      fs::remove(it->path(), ec);
  }
}

// Whether `path` (made canonical, following every symlink in it) lies
// inside `root` (canonical): outputs never leave the output folder through a
// symlink in it, inputs are never read through one that leaves the input folder.
bool inside(const fs::path &path, const fs::path &root) {
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(path, ec);
  if (ec) return false;
  const std::string &r = root.native(), &p = real.native();
  if (r == "/") return p.size() > 1;
  return p.size() > r.size() && p.compare(0, r.size(), r) == 0 && p[r.size()] == '/';
}

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

// Removes the files an input's earlier result listed and its new one does
// not (all of them when it failed or is gone), before the ledger records the
// new state: OUT holds what the ledger says. A file is kept when its name
// falls under another present input's outputs, or would be reached through
// a symlink leaving the output folder.
void remove_stale_outputs(const fs::path &out_dir, const std::vector<std::string> &before,
                          const std::function<bool(const std::string &)> &still_written, const OutputOwners *owners,
                          int64_t self) {
  for (const auto &f : before) {
    if (f.empty() || still_written(f)) continue;
    const fs::path rel = fs::path(f).lexically_normal();
    if (rel.is_absolute() || rel.empty() || *rel.begin() == ".." || *rel.begin() == ".docpipe") continue;
    if (owners != nullptr && owners->owned_by_another(rel, self)) continue;
    const fs::path file = out_dir / rel;
    if (file.parent_path() != out_dir && !inside(file.parent_path(), out_dir)) continue;
    std::error_code ec;
    fs::remove(file, ec);
  }
}

// A run killed after its workers wrote an input's files and before the
// ledger recorded them leaves files no record lists. The inputs it had
// handed out are in the ledger's in_flight list; their files are found by
// name (the input's folder and stem of each output, as OutputOwners owns
// them) and those that the input's record does not list are removed, once,
// before this run converts anything. Only the folders of those inputs are
// listed, so a clean run costs nothing.
void remove_unrecorded_outputs(const fs::path &out_dir, const Pipeline &p, Ledger &ledger, const OutputOwners &owners,
                               const InputList &all) {
  const std::vector<std::string> flying = ledger.in_flight();
  if (flying.empty()) return;
  auto index_of = [&all](const std::string &rel) -> int64_t {
    size_t lo = 0, hi = all.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (all.at(mid) < rel)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < all.size() && all.at(lo) == rel ? static_cast<int64_t>(lo) : -1;
  };
  std::map<fs::path, std::map<std::string, std::string>> stems;  // folder -> stem -> input
  for (const auto &rel : flying)
    for (const OutputSpec &o : p.outputs) {
      const fs::path stem = expand_pattern(o.pattern, rel);
      stems[stem.parent_path()][stem.filename().string()] = rel;
    }
  for (const auto &[folder, names] : stems) {
    const fs::path dir = out_dir / folder;
    std::error_code ec;
    if (dir != out_dir && !inside(dir, out_dir)) continue;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code sec;
      if (!fs::is_regular_file(it->symlink_status(sec))) continue;
      const std::string name = it->path().filename().string();
      for (size_t dot = name.find('.', 1); dot != std::string::npos; dot = name.find('.', dot + 1)) {
        const auto hit = names.find(name.substr(0, dot));
        if (hit == names.end()) continue;
        const std::string rel = (folder / name).generic_string();
        const auto record = ledger.find(hit->second);
        const bool recorded =
            record && std::find(record->outputs.begin(), record->outputs.end(), rel) != record->outputs.end();
        if (!recorded && !owners.owned_by_another(folder / name, index_of(hit->second))) fs::remove(it->path(), sec);
        break;
      }
    }
  }
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
  pugi::xml_document body_doc;
  const pugi::xml_node body = model::parse_body(body_doc, "plan", "<body/>");
  const templates::Mapping mapping = templates::map_body(body, engine.templates());
  const auto checks = templates::run_checks(mapping);
  const std::string xml =
      model::write_model({"(options check)", "(options check)", "", 0, "plan", "0", 1.0}, DecodedText{}, {}, body,
                         mapping, checks, model::judge(body, mapping, checks));
  std::error_code ec;
  std::vector<std::vector<std::string>> suffixes;
  for (const OutputSpec &out : p.outputs) {
    OutputRequest req;
    req.plugins = {out.plugin};
    req.options[out.plugin] = out.options;
    fs::create_directories(scratch, ec);
    auto &mine = suffixes.emplace_back();
    try {
      for (const fs::path &f : engine.write_outputs(xml, scratch, "options-check", req))
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
  return sha256_hex(s);
}

}  // namespace

int run_pipeline(const Engine &engine, const RunOptions &o) {
  const auto started = Clock::now();
  // Writing a job to a worker that just died must fail (EPIPE), not kill the run.
  ::signal(SIGPIPE, SIG_IGN);
  const Pipeline p = load_pipeline(o.pipeline_file, engine.plugins(), o.input_override);
  std::error_code ec;
  fs::create_directories(o.output_dir / ".docpipe", ec);
  if (ec)
    throw Error(ExitCode::cant_create, o.output_dir.string() + ": cannot create the output folder: " + ec.message());
  const fs::path out_dir = fs::canonical(o.output_dir);
  RunLock lock(out_dir / ".docpipe" / "lock");
  const fs::path ledger_file = out_dir / ".docpipe" / "ledger.sqlite";
  const fs::path set_aside = out_dir / ".docpipe" / "ledger.sqlite.damaged";
  if (o.rebuild_ledger && !o.dry_run) {
    // Start afresh: the old ledger (and its WAL) is kept aside for the
    // outputs it lists, which are removed at the end unless the new ledger has them.
    for (const char *suffix : {"", "-wal", "-shm"}) {
      const fs::path from = ledger_file.string() + suffix, to = set_aside.string() + suffix;
      fs::remove(to, ec);
      if (fs::exists(from, ec)) fs::rename(from, to, ec);
      if (ec) throw Error(ExitCode::io_error, from.string() + ": cannot be moved aside: " + ec.message());
    }
  }
  // (--dry-run --rebuild-ledger: what a rebuild would convert, that is everything; the ledger is left alone.)
  Ledger ledger(o.rebuild_ledger && o.dry_run ? fs::path(":memory:") : ledger_file);
  // The xlsx output plugin stages a workbook's parts here, not beside the outputs.
  const fs::path private_tmp = out_dir / ".docpipe" / "tmp";
  if (!o.dry_run) {
    remove_stale_temporaries(out_dir);
    fs::remove_all(private_tmp, ec);
    fs::create_directories(private_tmp, ec);
    ::setenv("DOCPIPE_TMPDIR", private_tmp.c_str(), 1);  // the workers inherit it
  }
  const std::string pipeline_hash = fingerprint(engine, p);
  const auto suffixes = check_output_options(engine, p, private_tmp / "options-check");

  // Inputs, in a stable order. Only their relative paths are kept for the
  // whole run (packed), and of those to convert a few numbers: 100,000
  // inputs cost the runner a few MiB.
  std::vector<Skipped> skipped;
  const InputList all = find_inputs(p, out_dir, skipped, o.shard);
  const bool tty = isatty(2);
  for (const auto &sk : skipped) {
    if (o.dry_run) std::cout << "skip\t" << sk.relpath << "\t" << sk.why << "\n";
    if (tty)
      std::cerr << "docpipe: skipped " << shown(sk.relpath) << ": " << shown(sk.why) << "\n";
    else
      put_json_line(std::cerr, {{"event", "skipped"}, {"file", shown(sk.relpath)}, {"reason", shown(sk.why)}});
  }

  if (all.size() == 0) {  // a wrong folder or globs, most often: say so rather than finish quietly
    const std::string msg =
        o.shard.count > 1
            ? p.input_folder.string() + ": no input falls in shard " + o.shard.text() + " (docs/cluster.md)"
            : p.input_folder.string() + ": no input matches the pipeline's include patterns (" + p.file.string() +
                  "); is this the right folder (--input)?";
    if (tty)
      std::cerr << "docpipe: warning: " << msg << "\n";
    else
      put_json_line(std::cerr, {{"event", "warning"}, {"message", shown(msg)}});
  }

  // Every output file belongs to one input, and none takes the name of a
  // combined output or the ledger's folder: checked before any work.
  const OutputOwners owners(p.outputs, all.size(), [&all](size_t k) { return all.at(k); });
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
  std::vector<uint32_t> todo;  // indexes into `all`, ascending: 4 bytes an input
  size_t known_failures = 0;   // --known-failures-ok: failed before, unchanged, not retried
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
    else if (prev->pipeline_hash != pipeline_hash)
      why = Reason::pipeline_changed;
    else if (prev->status != "done" && o.known_failures_ok) {
      // The same bytes through the same pipeline and docpipe would fail the same way.
      ++known_failures;
      if (o.dry_run)
        std::cout << "skip\t" << shown(c.relpath) << "\tknown failure (--known-failures-ok): " << shown(prev->error)
                  << "\n";
      else if (tty)
        std::cerr << "docpipe: known failure, not retried: " << shown(c.relpath) << ": " << shown(prev->error) << "\n";
      else
        put_json_line(std::cerr,
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
  // The worker computes the hash of what it converts; a candidate is rebuilt
  // (and its file stat'ed again) when a worker thread takes it.
  auto candidate = [&](uint32_t index) {
    Candidate c{p.input_folder / std::string(all.at(index)), std::string(all.at(index)), "", -1, -1, "", index};
    read_stat(c);
    return c;
  };

  if (o.dry_run) {
    put_json_line(std::cout, {{"pipeline", shown(p.name)},
                              {"inputs", all.size()},
                              {"would_convert", todo.size()},
                              {"up_to_date", all.size() - todo.size() - known_failures},
                              {"known_failures", known_failures},
                              {"skipped_entries", skipped.size()}});
    return 0;
  }

  remove_unrecorded_outputs(out_dir, p, ledger, owners, all);
  {
    std::vector<std::string> handed_out;
    handed_out.reserve(todo.size());
    for (uint32_t k : todo) handed_out.emplace_back(all.at(k));
    ledger.set_in_flight(handed_out);
  }

  // Worker command line: the same executable, the same plugin and formats
  // folders, one target per output.
  std::error_code pec;
  const std::string self = boost::dll::program_location(pec).string();
  std::vector<std::string> base{self};
  for (const auto &a : o.forwarded_args) base.push_back(a);
  base.push_back("worker");
  base.push_back("--serve");
  base.push_back("--format=" + p.input_plugin);
  const bool limited = p.limits.enabled && !o.no_limits;
  if (limited) base.push_back("--memory-mb=" + std::to_string(p.limits.memory_mb));
  for (const auto &out : p.outputs)
    for (const auto &[k, v] : out.options) base.push_back("--option=" + out.plugin + ":" + k + "=" + v);

  // No more workers than inputs to convert (--jobs is bounded on the command line too).
  const unsigned jobs = std::max<unsigned>(
      1, std::min<size_t>(todo.size(), o.jobs > 0 ? static_cast<unsigned>(o.jobs)
                                                  : std::max(1u, std::thread::hardware_concurrency())));
  std::atomic<size_t> next{0};
  // SIGINT/SIGTERM: no new input is handed out; those under way finish and are recorded.
  g_stop = 0;
  struct sigaction stop {
  }, old_int{}, old_term{};
  stop.sa_handler = on_stop;
  stop.sa_flags = SA_RESTART;
  sigaction(SIGINT, &stop, &old_int);
  sigaction(SIGTERM, &stop, &old_term);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<uint32_t, InputRecord>> pending;  // (index in `all`, result) not yet in the ledger
  const bool combining = !p.combined_values.empty() || !p.combined_summary.empty();
  std::map<uint32_t, InputRecord> settled;  // this run's results the combined outputs have not taken yet
  size_t finished_workers = 0;
  Progress progress(todo.size());
  std::map<std::string, size_t> counts;

  // One writer: batches ledger commits (every 64 results or half a second).
  std::exception_ptr writer_error;
  bool writer_done = false;  // every result is in the ledger (the cross-year checks read them there)
  std::thread writer([&] {
    try {
      std::unique_lock<std::mutex> lk(mu);
      while (true) {
        cv.wait_for(lk, std::chrono::milliseconds(500),
                    [&] { return pending.size() >= 64 || finished_workers == jobs; });
        std::vector<std::pair<uint32_t, InputRecord>> results(std::make_move_iterator(pending.begin()),
                                                              std::make_move_iterator(pending.end()));
        pending.clear();
        const bool last = finished_workers == jobs;
        lk.unlock();
        std::vector<InputRecord> batch;
        batch.reserve(results.size());
        for (auto &[index, r] : results) {
          r.pipeline_hash = pipeline_hash;
          // What an earlier run wrote for this input and this one did not
          // (all of it when the input failed) goes before the ledger says so.
          if (const auto prev = ledger.find(r.relpath))
            remove_stale_outputs(
                out_dir, prev->outputs,
                [&](const std::string &f) {
                  return std::find(r.outputs.begin(), r.outputs.end(), f) != r.outputs.end();
                },
                &owners, index);
          batch.push_back(std::move(r));
        }
        ledger.put(batch);
        lk.lock();
        if (last && pending.empty()) break;
      }
    } catch (...) {
      writer_error = std::current_exception();
    }
    std::lock_guard<std::mutex> lk(mu);
    writer_done = true;
    cv.notify_all();
  });

  // A job line: input, name, then one PLUGIN|DIR|STEM per output; "" with
  // `why` set when the input cannot be handed to a worker.
  auto job_line = [&](const Candidate &c, std::string &why) -> std::string {
    std::string job = c.path.string() + "\t" + c.relpath;
    for (const auto &out : p.outputs) {
      const fs::path target = out_dir / expand_pattern(out.pattern, c.relpath);
      const fs::path rel = target.lexically_relative(out_dir);
      if (rel.empty() || *rel.begin() == "..") {
        why = "output path " + target.string() + " leaves the output folder";
        return "";
      }
      // A symlink inside the output folder is not followed out of it.
      thread_local std::set<std::string> checked;
      const fs::path dir = target.parent_path();
      if (dir != out_dir && checked.count(dir.native()) == 0) {
        std::error_code lec;
        for (fs::path up = dir; up != out_dir && up.has_relative_path(); up = up.parent_path())
          if (fs::is_symlink(fs::symlink_status(up, lec)))
            why = "output folder " + up.string() + " is a symlink: not followed out of the output folder";
        if (!why.empty()) return "";
        if (checked.size() > 4096) checked.clear();
        checked.insert(dir.native());
      }
      job += "\t" + out.plugin + "|" + target.parent_path().string() + "|" + target.filename().string();
    }
    if (job.find('\n') != std::string::npos || c.relpath.find('\t') != std::string::npos) {
      why = "the file name holds a TAB or a line break";
      return "";
    }
    return job;
  };
  auto failed_record = [&](const Candidate &c, std::string why) {
    InputRecord r;
    r.relpath = c.relpath;
    r.content_hash = hash_of(c);
    r.size = c.size;
    r.mtime_ns = c.mtime_ns;
    r.status = "failed";
    r.error = std::move(why);
    return r;
  };
  auto finish = [&](InputRecord r, Clock::time_point started_at, uint32_t index) {
    r.seconds = std::chrono::duration<double>(Clock::now() - started_at).count();
    r.finished_at = now_utc();
    std::lock_guard<std::mutex> lk(mu);
    progress.input(r);
    counts[r.status]++;
    if (r.status == "done") counts[r.verdict == "ok" ? "ok" : "review"]++;
    if (combining) settled.emplace(index, r);
    pending.emplace_back(index, std::move(r));
    cv.notify_all();
  };

  // The combined outputs are written while the run converts: one thread
  // walks every present input in relpath order, taking this run's results as
  // they settle and earlier runs' from the ledger (its own read connection;
  // WAL lets it read while the writer commits). The same bytes whatever
  // --jobs is, and no pass over 100,000 values files after the last input.
  std::exception_ptr combiner_error;
  std::thread combiner;
  auto present = [&all](const std::string &rel) {  // an input of this run (all is sorted)
    size_t lo = 0, hi = all.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (all.at(mid) < rel)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < all.size() && all.at(lo) == rel;
  };
  if (combining)
    combiner = std::thread([&] {
      try {
        Ledger earlier(out_dir / ".docpipe" / "ledger.sqlite", /*check=*/false);  // checked when the run opened it
        CombinedOutputs combined(out_dir, p.combined_values.empty() ? fs::path() : out_dir / p.combined_values,
                                 p.combined_summary.empty() ? fs::path() : out_dir / p.combined_summary,
                                 engine.templates());
        size_t t = 0;
        for (size_t k = 0; k < all.size(); ++k) {
          if (t < todo.size() && todo[t] == k) {
            ++t;
            std::unique_lock<std::mutex> lk(mu);
            cv.wait(lk, [&] {
              return settled.count(static_cast<uint32_t>(k)) > 0 || (g_stop != 0 && finished_workers == jobs);
            });
            if (settled.count(static_cast<uint32_t>(k)) == 0) return;  // stopped: the combined files stay as they were
            auto node = settled.extract(static_cast<uint32_t>(k));
            lk.unlock();
            combined.add(node.mapped());
          } else if (const auto r = earlier.find(std::string(all.at(k)))) {
            combined.add(*r);
          }
        }
        {  // Cross-year checks (across/): every result of this run must be in the ledger first.
          std::unique_lock<std::mutex> lk(mu);
          cv.wait(lk, [&] { return writer_done; });
        }
        // (A connection of its own: `earlier` may hold a read snapshot from before the last commits.)
        const Ledger now(out_dir / ".docpipe" / "ledger.sqlite", /*check=*/false);
        combined.add_cross_year(across::check_ledger(now.handle(), engine.cross_year(), present));
        combined.commit();
      } catch (...) {
        combiner_error = std::current_exception();
        std::lock_guard<std::mutex> lk(mu);
        settled.clear();
      }
    });

  const int seconds = limited ? p.limits.seconds : 0;
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < jobs; ++w)
    workers.emplace_back([&] {
      constexpr size_t kQueued = 2;  // the job being converted and the next one
      struct Job {
        Candidate c;
        std::string line;
      };
      Worker worker(base);
      std::deque<Job> queue;  // sent, in order, not answered yet
      bool exhausted = false;
      Clock::time_point front_started = Clock::now();
      try {
        while (true) {
          // Keep the worker's queue full (but let it drain before a planned restart).
          while (!exhausted && queue.size() < kQueued && !(worker.running() && worker.due_for_restart())) {
            const size_t i = g_stop != 0 ? todo.size() : next.fetch_add(1);
            if (i >= todo.size()) {
              exhausted = true;
              break;
            }
            Candidate c = candidate(todo[i]);
            std::string why;
            std::string line = job_line(c, why);
            if (line.empty()) {
              finish(failed_record(c, why), Clock::now(), c.index);
              continue;
            }
            if (queue.empty()) front_started = Clock::now();
            queue.push_back({std::move(c), std::move(line)});
            worker.send(queue.back().line);  // a dead worker shows in receive()
          }
          if (queue.empty()) {
            if (exhausted) break;
            worker.restart();  // its quota is served
            continue;
          }
          std::string frame;
          const auto deadline = seconds > 0 ? front_started + std::chrono::seconds(seconds) : Clock::time_point::max();
          const Worker::Outcome o = worker.receive(frame, deadline);
          const Job front = std::move(queue.front());
          queue.pop_front();
          if (o == Worker::Outcome::result) {
            finish(parse_result(front.c, frame, out_dir), front_started, front.c.index);
            front_started = Clock::now();
            continue;
          }
          // The worker died or hung on the front job; the jobs behind it go
          // to a new worker.
          finish(failed_record(front.c, worker.post_mortem(o, seconds)), front_started, front.c.index);
          front_started = Clock::now();
          for (const auto &j : queue) worker.send(j.line);
        }
      } catch (const std::exception &e) {
        // Only starting a worker can fail here: what was queued fails with the reason.
        for (const auto &j : queue) finish(failed_record(j.c, e.what()), front_started, j.c.index);
        queue.clear();
        while (true) {
          const size_t i = next.fetch_add(1);
          if (i >= todo.size()) break;
          finish(failed_record(candidate(todo[i]), e.what()), Clock::now(), todo[i]);
        }
      }
      worker.stop();
      std::lock_guard<std::mutex> lk(mu);
      ++finished_workers;
      cv.notify_all();
    });
  for (auto &t : workers) t.join();
  writer.join();
  if (combiner.joinable()) combiner.join();  // every result has settled by now
  progress.finish();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (writer_error) std::rethrow_exception(writer_error);
  if (combiner_error) std::rethrow_exception(combiner_error);

  // The ledger describes the inputs present now.
  const size_t n_inputs = all.size();
  // Inputs gone from the input folder: their outputs first, then their rows.
  const std::vector<std::string> gone = ledger.absent(all.size(), [&](size_t k) { return all.at(k); });
  for (const auto &rel : gone)
    if (const auto prev = ledger.find(rel))
      remove_stale_outputs(
          out_dir, prev->outputs, [](const std::string &) { return false; }, &owners, -1);
  ledger.forget(gone);
  // The cross-year findings for `status` and `review`, and what `merge` checks (across/store.hpp).
  across::store_findings(ledger.handle(), across::check_ledger(ledger.handle(), engine.cross_year(), present));
  across::set_info(ledger.handle(), {{"shard", o.shard.text()},
                                     {"pipeline", pipeline_hash},
                                     {"values", p.combined_values},
                                     {"summary", p.combined_summary},
                                     {"templates", across::templates_digest(engine.templates())}});

  size_t failed = 0, review = 0;
  std::set<std::string> recorded;  // with --rebuild-ledger: every output the new ledger lists
  ledger.for_each([&](const InputRecord &r) {
    failed += r.status != "done";
    review += r.status == "done" && r.verdict != "ok";
    if (o.rebuild_ledger) recorded.insert(r.outputs.begin(), r.outputs.end());
  });
  if (o.rebuild_ledger) {
    // What the set-aside ledger listed (as far as it can be read) and the new one does not is stale.
    remove_stale_outputs(
        out_dir, Ledger::salvage_outputs(set_aside), [&](const std::string &f) { return recorded.count(f) > 0; },
        nullptr, -1);
  }
  const double secs = std::chrono::duration<double>(Clock::now() - started).count();
  put_json_line(std::cout, {{"pipeline", shown(p.name)},
                            {"inputs", n_inputs},
                            {"converted", counts["done"]},
                            {"skipped", n_inputs - todo.size()},
                            {"skipped_entries", skipped.size()},
                            {"failed_now", counts["failed"]},
                            {"failed", failed},
                            {"known_failures", known_failures},
                            {"review", review},
                            {"seconds", secs},
                            {"output", shown(out_dir.string())}});
  if (g_stop != 0) {
    const size_t settled_now = counts["done"] + counts["failed"];
    const std::string msg = std::string("stopped by ") + strsignal(g_stop) + ": " + std::to_string(settled_now) +
                            " of " + std::to_string(todo.size()) + " inputs converted or failed and recorded, " +
                            std::to_string(todo.size() - settled_now) +
                            " not started; the combined outputs were not updated; run again to finish";
    if (tty)
      std::cerr << "docpipe: " << msg << "\n";
    else
      put_json_line(std::cerr, {{"event", "stopped"}, {"signal", static_cast<int>(g_stop)}, {"message", shown(msg)}});
    return 128 + g_stop;
  }
  // With --known-failures-ok only inputs that failed in this run fail it.
  const size_t failing = o.known_failures_ok ? counts["failed"] : failed;
  return failing > 0 ? static_cast<int>(ExitCode::some_failed) : 0;
}

namespace {

// Converts one input in the worker and returns its result record (XML).
std::string convert_job(const Engine &engine, const WorkerArgs &a, const std::string &input, const std::string &name,
                        const std::vector<std::string> &targets) {
  pugi::xml_document out;
  auto res = out.append_child("result");
  try {
    const BuiltModel model = engine.build(input, name, a.format);
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
    across::write_result(res, model.report.agency_key, model.cross_cells);
    for (const docpipe::Violation &f : model.violations) {
      auto v = res.append_child("violation");
      v.append_attribute("identity") = f.identity.c_str();
      v.append_attribute("table") = f.table.c_str();
      v.append_attribute("row") = f.row.c_str();
      v.append_attribute("column") = f.column.c_str();
      v.append_attribute("expected") = f.expected.c_str();
      v.append_attribute("actual") = f.actual.c_str();
    }
    // All outputs in one call: the model is serialised once for all plugins.
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
      for (const auto &f : engine.write_outputs(model.xml, "", "", req))
        res.append_child("output").text() = f.string().c_str();
  } catch (const std::bad_alloc &) {
    res.remove_attributes();
    res.remove_children();
    res.append_attribute("status") = "failed";
    res.append_child("error").text() =
        (input + ": memory limit of " + std::to_string(a.memory_mb) + " MiB exceeded").c_str();
  } catch (const std::exception &e) {
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
  return ss.str();
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
    const std::string xml = convert_job(engine, a, a.input, a.name, a.targets);
    std::cout << "\x1e" << xml.size() << "\n" << xml << std::flush;
    return 0;
  }
  // Serve: a job per stdin line "INPUT\tNAME\tTARGET...", a frame per result.
  std::string line;
  while (std::getline(std::cin, line)) {
    auto fields = split_tabs(line);
    if (fields.size() < 2) continue;
    const std::vector<std::string> targets(fields.begin() + 2, fields.end());
    const std::string xml = convert_job(engine, a, fields[0], fields[1], targets);
    std::cout << "\x1e" << xml.size() << "\n" << xml << std::flush;
  }
  return 0;
}

void log_error(std::ostream &out, int code, const std::string &message) {
  put_json_line(out, {{"event", "error"}, {"code", code}, {"message", shown(message)}});
}

int run_status(const fs::path &output_dir, const fs::path &csv_out) {
  const fs::path file = output_dir / ".docpipe" / "ledger.sqlite";
  std::error_code ec;
  if (!fs::exists(file, ec)) throw Error(ExitCode::no_input, output_dir.string() + ": no ledger here (no run yet?)");
  Ledger ledger(file);
  const auto rows = ledger.all();
  size_t done = 0, failed = 0, ok = 0, review = 0, violations = 0;
  for (const auto &r : rows) {
    (r.status == "done" ? done : failed)++;
    if (r.status == "done") (r.verdict == "ok" ? ok : review)++;
    violations += r.violations.size();
  }
  std::cout << shown(output_dir.string()) << ": " << rows.size() << " inputs, " << done << " converted (" << ok
            << " ok, " << review << " to review), " << failed << " failed, " << violations << " identity violations\n";
  for (const auto &r : rows)
    if (r.status != "done") std::cout << "  failed  " << shown(r.relpath) << ": " << shown(r.error) << "\n";
  for (const auto &r : rows)
    if (r.status == "done" && r.verdict != "ok")
      std::cout << "  review  " << shown(r.relpath) << ": " << r.reasons << "\n";
  across::print_status(ledger.handle(), std::cout);  // cross-year findings (docs/cross-year.md)
  if (!csv_out.empty()) {
    // The project's one CSV writer: quoting, and text that would read as a
    // formula (a title starting with "=") guarded.
    outputs::CsvWriter csv(true, true);
    for (const char *h : {"relpath", "status", "verdict", "reasons", "error", "template", "plugin", "title", "agency",
                          "year", "violations", "seconds", "finished_at"})
      csv.field(h, true);
    csv.end_row();
    for (const auto &r : rows) {
      const std::string f[] = {shown(r.relpath),
                               r.status,
                               r.verdict,
                               r.reasons,
                               shown(r.error),
                               r.template_id,
                               r.plugin,
                               r.title,
                               r.agency,
                               r.year,
                               std::to_string(r.violations.size()),
                               std::to_string(r.seconds),
                               r.finished_at};
      for (const auto &v : f) csv.field(v, true);
      csv.end_row();
    }
    std::error_code ec;
    if (fs::is_directory(csv_out, ec))
      throw Error(ExitCode::cant_create, csv_out.string() + ": is a folder; --csv wants a file name");
    if (const size_t bad = sdk::invalid_utf8_at(csv.bytes()); bad != std::string::npos)
      throw Error(ExitCode::internal,
                  shown(csv_out.string()) + ": would hold invalid UTF-8 at byte " + std::to_string(bad));
    const fs::path tmp = csv_out.string() + ".tmp-" + std::to_string(getpid());
    {
      std::ofstream o(tmp, std::ios::binary);
      o << csv.bytes();
      o.close();
      if (!o) {
        fs::remove(tmp, ec);
        throw Error(ExitCode::cant_create, csv_out.string() + ": cannot be written");
      }
    }
    fs::rename(tmp, csv_out, ec);
    if (ec) {
      fs::remove(tmp, ec);
      throw Error(ExitCode::cant_create, csv_out.string() + ": cannot be written: " + ec.message());
    }
  }
  return failed > 0 ? static_cast<int>(ExitCode::some_failed) : 0;
}

}  // namespace docpipe::runner
