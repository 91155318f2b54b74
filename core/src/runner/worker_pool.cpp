#include "runner/worker_pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cstring>
#include <deque>
#include <set>
#include <thread>

#include "error.hpp"
#include "runner/result.hpp"

extern char **environ;

namespace docpipe::runner {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;

namespace {

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

}  // namespace

WorkerPool::WorkerPool(const Pipeline &p, const RunOptions &o, const fs::path &out_dir,
                       const std::vector<fs::path> &overrides)
    : p_(p), out_dir_(out_dir) {
  // Worker command line: the same executable, the same plugin and formats
  // folders, one target per output.
  std::error_code pec;
  const std::string self = boost::dll::program_location(pec).string();
  std::vector<std::string> &base = argv_;
  base.push_back(self);
  for (const auto &a : o.forwarded_args) base.push_back(a);
  base.push_back("worker");
  base.push_back("--serve");
  base.push_back("--format=" + p.input_plugin);
  const bool limited = p.limits.enabled && !o.no_limits;
  if (limited) base.push_back("--memory-mb=" + std::to_string(p.limits.memory_mb));
  for (const auto &out : p.outputs)
    for (const auto &[k, v] : out.options) base.push_back("--option=" + out.plugin + ":" + k + "=" + v);
  for (const auto &f : overrides) base.push_back("--overrides=" + f.string());

  seconds_ = limited ? p.limits.seconds : 0;
}

unsigned WorkerPool::jobs_for(const RunOptions &o, size_t inputs) {
  return std::max<unsigned>(
      1, std::min<size_t>(
             inputs, o.jobs > 0 ? static_cast<unsigned>(o.jobs) : std::max(1u, std::thread::hardware_concurrency())));
}

InputRecord WorkerPool::failed_record(const Candidate &c, std::string why) {
  InputRecord r;
  r.relpath = c.relpath;
  r.content_hash = hash_of(c);
  r.size = c.size;
  r.mtime_ns = c.mtime_ns;
  r.status = "failed";
  r.error = std::move(why);
  return r;
}

std::string WorkerPool::job_line(const Candidate &c, std::string &why) const {
  std::string job = c.path.string() + "\t" + c.relpath;
  for (const auto &out : p_.outputs) {
    const fs::path target = out_dir_ / expand_pattern(out.pattern, c.relpath);
    const fs::path rel = target.lexically_relative(out_dir_);
    if (rel.empty() || *rel.begin() == "..") {
      why = "output path " + target.string() + " leaves the output folder";
      return "";
    }
    // A symlink inside the output folder is not followed out of it.
    thread_local std::set<std::string> checked;
    const fs::path dir = target.parent_path();
    if (dir != out_dir_ && checked.count(dir.native()) == 0) {
      std::error_code lec;
      for (fs::path up = dir; up != out_dir_ && up.has_relative_path(); up = up.parent_path())
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
}

void WorkerPool::run(unsigned jobs, const Plan &plan, const Finish &finish, const std::function<void()> &thread_done) {
  const std::vector<uint32_t> &todo = plan.todo;
  const int seconds = seconds_;
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < jobs; ++w)
    workers.emplace_back([&] {
      constexpr size_t kQueued = 2;  // the job being converted and the next one
      struct Job {
        Candidate c;
        std::string line;
      };
      Worker worker(argv_);
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
            Candidate c = plan.candidate(todo[i], p_);
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
            finish(parse_result(front.c, frame, out_dir_), front_started, front.c.index);
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
          finish(failed_record(plan.candidate(todo[i], p_), e.what()), Clock::now(), todo[i]);
        }
      }
      worker.stop();
      thread_done();
    });
  for (auto &t : workers) t.join();
}

}  // namespace docpipe::runner
