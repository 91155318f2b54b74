// One error type for the host side, mapped to stable, documented exit codes
// (sysexits-style, see docs/cli.md "Exit codes"). Plugins never throw across the
// boundary; the host turns their status codes into these.
#pragma once

#include <stdexcept>
#include <string>

namespace docpipe {

enum class ExitCode : int {
  ok = 0,
  some_failed = 1,          // several inputs, at least one failed
  validation_failed = 2,    // `validate`: an accounting identity fails
  usage = 64,               // bad command line
  bad_input = 65,           // binary, undecodable, empty, or no plugin claims it
  no_input = 66,            // missing or unreadable input file
  plugin_unavailable = 69,  // plugin not found, refused ABI, plugin failure
  internal = 70,            // a bug
  cant_create = 73,         // output not writable
  io_error = 74,
  temp_failure = 75,  // retry later (lock held)
  config = 78         // bad pipeline or template data
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string &message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

}  // namespace docpipe
