// What a run tells its user as it goes: the JSON log (one object a line on
// stderr when it is not a terminal), the progress bar on a terminal, and how
// paths and messages are shown in both.
#pragma once

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "runner/ledger.hpp"

namespace docpipe::runner {

// How a path (bytes, perhaps not UTF-8) or a message that holds one is shown
// in every output: the SDK's one reversible escape.
std::string shown(std::string_view bytes);

// One JSON line (nlohmann-json refuses invalid UTF-8; every string here has
// been through shown() or is text docpipe decoded).
void put_json_line(std::ostream &os, const nlohmann::ordered_json &j);

// A notice of the run on stderr: `text` after "docpipe: " on a terminal,
// else the JSON object `j`.
void notice(bool tty, const std::string &text, const nlohmann::ordered_json &j);

// The time now, ISO 8601 UTC ("2026-12-07T17:32:08Z").
std::string now_utc();

// A line per settled input (JSON), or a progress bar with rate and ETA on a terminal.
class Progress {
 public:
  explicit Progress(size_t total);
  void input(const InputRecord &r);
  void finish();

 private:
  void bar();
  size_t total_, done_ = 0, failed_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace docpipe::runner
