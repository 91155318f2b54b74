// Read-only access to the members of a ZIP archive held in memory, with
// minizip (unzOpen2_64 over callbacks that read from the buffer), for the
// readers of ZIP-based forms (.docx, .xlsx) and the core's recognition of
// them. Implemented in the docpipe_sdk library. Each ZipArchive owns its
// state: nothing is shared between calls or threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace docpipe::sdk {

// True when the bytes start like a ZIP archive (a local file header).
bool looks_like_zip(std::string_view bytes);

class ZipArchive {
 public:
  // Throws std::runtime_error when the bytes are not a readable ZIP archive.
  explicit ZipArchive(std::string_view bytes);
  ~ZipArchive();
  ZipArchive(const ZipArchive &) = delete;
  ZipArchive &operator=(const ZipArchive &) = delete;

  bool has(const std::string &member);
  // The member's uncompressed bytes; nullopt when absent. Throws
  // std::runtime_error when it is corrupt, encrypted or larger than max_size.
  std::optional<std::string> read(const std::string &member, size_t max_size);

 private:
  struct Buffer {
    const char *data;
    size_t size;
  };
  Buffer buffer_;
  void *handle_ = nullptr;  // unzFile
};

// The package of an Office file handed to a reader (`what`: "a .docx
// file", "an .xlsx workbook"). Bytes that are not a readable ZIP archive are
// refused as bad input: sdk::Error(DOCPIPE_ERR_INPUT) "not WHAT (no ZIP
// signature)" or "not WHAT: reason".
std::unique_ptr<ZipArchive> open_package(std::string_view bytes, const std::string &what);

}  // namespace docpipe::sdk
