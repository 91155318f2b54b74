#include <minizip/unzip.h>

#include <algorithm>
#include <cstring>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/zip.hpp>
#include <stdexcept>

namespace docpipe::sdk {
namespace {

// One open "file" over the buffer: its own read position.
struct Stream {
  const char *data;
  size_t size;
  size_t pos = 0;
};

struct Span {
  const char *data;
  size_t size;
};

voidpf ZCALLBACK mem_open(voidpf opaque, const void *, int mode) {
  if ((mode & ZLIB_FILEFUNC_MODE_WRITE) != 0) return nullptr;  // read-only
  const auto *span = static_cast<const Span *>(opaque);
  return new (std::nothrow) Stream{span->data, span->size, 0};
}

uLong ZCALLBACK mem_read(voidpf, voidpf stream, void *buf, uLong size) {
  auto *s = static_cast<Stream *>(stream);
  const size_t n = std::min<size_t>(size, s->size - s->pos);
  if (n > 0) std::memcpy(buf, s->data + s->pos, n);
  s->pos += n;
  return static_cast<uLong>(n);
}

uLong ZCALLBACK mem_write(voidpf, voidpf, const void *, uLong) { return 0; }

ZPOS64_T ZCALLBACK mem_tell(voidpf, voidpf stream) { return static_cast<Stream *>(stream)->pos; }

long ZCALLBACK mem_seek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto *s = static_cast<Stream *>(stream);
  ZPOS64_T base = 0;
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      base = 0;
      break;
    case ZLIB_FILEFUNC_SEEK_CUR:
      base = s->pos;
      break;
    case ZLIB_FILEFUNC_SEEK_END:
      base = s->size;
      break;
    default:
      return -1;
  }
  if (offset > s->size || base > s->size - offset) return -1;
  s->pos = static_cast<size_t>(base + offset);
  return 0;
}

int ZCALLBACK mem_close(voidpf, voidpf stream) {
  delete static_cast<Stream *>(stream);
  return 0;
}

int ZCALLBACK mem_error(voidpf, voidpf) { return 0; }

}  // namespace

bool looks_like_zip(std::string_view bytes) {
  return bytes.size() >= 30 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

ZipArchive::ZipArchive(std::string_view bytes) : buffer_{bytes.data(), bytes.size()} {
  zlib_filefunc64_def io{};
  io.zopen64_file = mem_open;
  io.zread_file = mem_read;
  io.zwrite_file = mem_write;
  io.ztell64_file = mem_tell;
  io.zseek64_file = mem_seek;
  io.zclose_file = mem_close;
  io.zerror_file = mem_error;
  // minizip copies the callbacks; the opaque pointer (our buffer) must live
  // as long as the handle, so it is a member.
  io.opaque = &buffer_;
  handle_ = unzOpen2_64("memory", &io);
  if (handle_ == nullptr) throw std::runtime_error("not a readable ZIP archive");
}

ZipArchive::~ZipArchive() {
  if (handle_ != nullptr) unzClose(static_cast<unzFile>(handle_));
}

bool ZipArchive::has(const std::string &member) {
  // Part names of an Office package compare case-insensitively (OPC).
  return unzLocateFile(static_cast<unzFile>(handle_), member.c_str(), 2) == UNZ_OK;
}

std::optional<std::string> ZipArchive::read(const std::string &member, size_t max_size) {
  auto *zf = static_cast<unzFile>(handle_);
  if (unzLocateFile(zf, member.c_str(), 2) != UNZ_OK) return std::nullopt;
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(zf, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK)
    throw std::runtime_error(member + ": unreadable ZIP entry");
  if ((info.flag & 1u) != 0) throw std::runtime_error(member + ": the document is encrypted");
  if (info.uncompressed_size > max_size)
    throw std::runtime_error(member + ": " + std::to_string(info.uncompressed_size) +
                             " bytes, more than the limit of " + std::to_string(max_size));
  if (unzOpenCurrentFile(zf) != UNZ_OK) throw std::runtime_error(member + ": cannot open the ZIP entry");
  std::string out;
  out.reserve(static_cast<size_t>(info.uncompressed_size));
  char buf[64 * 1024];
  int n = 0;
  while ((n = unzReadCurrentFile(zf, buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_size) {
      unzCloseCurrentFile(zf);
      throw std::runtime_error(member + ": larger than the limit of " + std::to_string(max_size) + " bytes");
    }
  }
  const int closed = unzCloseCurrentFile(zf);  // checks the CRC
  if (n < 0 || closed != UNZ_OK) throw std::runtime_error(member + ": corrupt ZIP entry (inflate or CRC error)");
  return out;
}

std::unique_ptr<ZipArchive> open_package(std::string_view bytes, const std::string &what) {
  if (!looks_like_zip(bytes)) throw Error(DOCPIPE_ERR_INPUT, "not " + what + " (no ZIP signature)");
  try {
    return std::make_unique<ZipArchive>(bytes);
  } catch (const std::exception &e) {
    throw Error(DOCPIPE_ERR_INPUT, "not " + what + ": " + e.what());
  }
}

}  // namespace docpipe::sdk
