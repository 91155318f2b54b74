#include "runner/events.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <docpipe/sdk/text.hpp>
#include <iostream>

#include "runner/runner.hpp"

namespace docpipe::runner {

using Clock = std::chrono::steady_clock;

std::string shown(std::string_view bytes) { return sdk::escape_bytes(bytes); }

void put_json_line(std::ostream &os, const nlohmann::ordered_json &j) { os << j.dump() << "\n"; }

void notice(bool tty, const std::string &text, const nlohmann::ordered_json &j) {
  if (tty)
    std::cerr << "docpipe: " << text << "\n";
  else
    put_json_line(std::cerr, j);
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void log_error(std::ostream &out, int code, const std::string &message) {
  put_json_line(out, {{"event", "error"}, {"code", code}, {"message", shown(message)}});
}

Progress::Progress(size_t total) : total_(total), tty_(isatty(2)), start_(Clock::now()) {}

void Progress::input(const InputRecord &r) {
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

void Progress::finish() {
  if (tty_ && total_ > 0) std::cerr << "\n";
}

void Progress::bar() {
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

}  // namespace docpipe::runner
