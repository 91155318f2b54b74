// Whole-file reading for the host side.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

namespace docpipe {

// The file's bytes; "" when it cannot be read (callers that must tell the
// difference check existence first). One open, one fstat and the reads: the
// runner reads every report's values file back for the combined outputs.
inline std::string read_file_bytes(const std::filesystem::path &p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string bytes;
  struct stat st {};
  const bool sized = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
  bytes.resize(sized ? static_cast<size_t>(st.st_size) + 1 : 64 * 1024);
  size_t used = 0;
  while (true) {
    if (used == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      used = 0;  // unreadable (a folder, an I/O error): as if absent
      break;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(used);
  return bytes;
}

}  // namespace docpipe
