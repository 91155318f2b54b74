// Whole-file reading and writing for the host side.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "error.hpp"

namespace docpipe {

// Reads the whole file into `out` with one open, one fstat and the reads (a
// bulk run reads thousands of inputs and values files a second). Returns 0,
// or the errno of what failed: EISDIR for a folder, ENOENT when absent.
inline int read_whole_file(const std::filesystem::path &p, std::string &out) {
  out.clear();
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st {};
  int err = ::fstat(fd, &st) == 0 ? 0 : errno;
  if (err == 0 && S_ISDIR(st.st_mode)) err = EISDIR;
  if (err == 0) {
    // st_size is only a hint (a pipe or /proc file says 0, a growing file more).
    out.resize(S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 64 * 1024);
    size_t used = 0;
    while (true) {
      if (used == out.size()) out.resize(out.size() * 2);
      const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        err = errno;
        break;
      }
      if (n == 0) break;
      used += static_cast<size_t>(n);
    }
    out.resize(err == 0 ? used : 0);
  }
  ::close(fd);
  return err;
}

// The file's bytes; "" when it cannot be read (callers that must tell the
// difference use read_whole_file).
inline std::string read_file_bytes(const std::filesystem::path &p) {
  std::string bytes;
  read_whole_file(p, bytes);
  return bytes;
}

// Writes a file a person asked for (`--csv FILE`) whole or not at all: under
// a temporary name beside it, renamed when complete. Throws
// docpipe::Error(cant_create) naming `shown_name` for a folder or a place
// that cannot be written.
inline void write_file_whole(const std::filesystem::path &to, std::string_view bytes, const std::string &shown_name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(to, ec))
    throw Error(ExitCode::cant_create, shown_name + ": is a folder; --csv wants a file name");
  const fs::path tmp = to.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream o(tmp, std::ios::binary);
    o << bytes;
    o.close();
    if (!o) {
      fs::remove(tmp, ec);
      throw Error(ExitCode::cant_create, shown_name + ": cannot be written");
    }
  }
  fs::rename(tmp, to, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ExitCode::cant_create, shown_name + ": cannot be written: " + ec.message());
  }
}

}  // namespace docpipe
