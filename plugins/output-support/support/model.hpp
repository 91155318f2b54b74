// Helpers shared by the output plugins (csv, values, xlsx, xml): reading
// options and writing a file. The model itself they take typed from the SDK
// (docpipe/sdk/model.hpp, docs/model.md); none of them parses it itself.
// Header-only and stateless, so every plugin .so carries its own copy and no
// object of these types ever crosses the plugin boundary.
#pragma once

#include <docpipe/abi.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>

namespace docpipe::outputs {

using sdk::Error;

// Refuses option names the plugin does not know: a typo such as `bom=flase`
// or `boom=false` must not silently produce the default output.
inline void check_option_names(const sdk::Options &options, std::initializer_list<std::string_view> known) {
  for (const auto &[key, value] : options) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || key == k;
    if (!ok) throw Error(DOCPIPE_ERR_OPTION, "unknown option \"" + key + "\"");
  }
}

inline bool bool_option(const sdk::Options &options, std::string_view key, bool fallback) {
  const auto it = options.find(key);
  if (it == options.end()) return fallback;
  const std::string &v = it->second;
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw Error(DOCPIPE_ERR_OPTION, "option " + std::string(key) + "=" + v + ": expected true or false");
}

// Text that does not come from a model (an option's value, a cell the
// runner read back from its ledger) is checked before it is written: text
// that is not valid UTF-8 is refused, never written. The core shows file
// names through sdk::escape_bytes, so a valid model never fails it.
inline void require_utf8(std::string_view text, std::string_view what) {
  if (const size_t bad = sdk::invalid_utf8_at(text); bad != std::string_view::npos)
    throw Error(DOCPIPE_ERR_INPUT, sdk::escape_bytes(what) + ": not valid UTF-8 at byte " + std::to_string(bad) + " (" +
                                       sdk::escape_bytes(text.substr(bad, 4)) + "); refused");
}

// Writes `bytes` to `path` (a temporary path handed out by the host, which
// renames it into place only after the whole write call succeeded). Plain
// open/write, as fopen("wb") opens: stdio would add a buffer to fill and
// split a large file into two writes. Text made from a model needs no UTF-8
// check here: a Document holds valid UTF-8 (the host checks an input
// plugin's text as it enters, sdk::model::read_xml checks XML).
inline void write_text(const std::string &path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0) {
    throw Error(DOCPIPE_ERR_OUTPUT, "cannot create " + path + ": " + std::generic_category().message(errno));
  }
  size_t done = 0;
  int write_errno = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n == 0 || errno != EINTR) {
      write_errno = n == 0 ? EIO : errno;
      break;
    }
  }
  const bool closed = ::close(fd) == 0;
  const int close_errno = errno;
  if (done < bytes.size() || !closed) {
    throw Error(DOCPIPE_ERR_OUTPUT,
                "cannot write " + path + ": " +
                    std::generic_category().message(done < bytes.size() ? write_errno : close_errno));
  }
}

}  // namespace docpipe::outputs
