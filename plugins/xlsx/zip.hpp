// A zip archive built in memory, as the XLSX package needs it: deflated
// (or, at level 0, stored) members, no directories, no zip64, a fixed
// 1980-01-01 time stamp (so that the same content always gives the same
// bytes). One deflate stream is
// reused for every member: zlib's ~270 KB of state is allocated once a
// workbook, not once a part.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <docpipe/sdk/plugin.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace docpipe::outputs::xlsx {

// A member compressed ahead of time (a constant part): its deflate data and
// what the zip headers say about it.
struct Deflated {
  std::string data;
  uint32_t crc = 0;
  uint32_t size = 0;
};

class Zip {
 public:
  explicit Zip(int level) : store_(level == 0) {
    if (!store_ && deflateInit2(&z_, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw sdk::Error(DOCPIPE_ERR_OUTPUT, "xlsx: cannot initialise zlib");
    }
  }
  ~Zip() {
    if (!store_) deflateEnd(&z_);
  }
  Zip(const Zip &) = delete;
  Zip &operator=(const Zip &) = delete;

  // Compresses `data` on its own (for a constant part, done once).
  static Deflated deflate_once(std::string_view data, int level) {
    Zip zip(level);
    Deflated d;
    d.crc = crc(data);
    d.size = static_cast<uint32_t>(data.size());
    zip.deflate_to(data, d.data);
    return d;
  }

  void add(std::string_view name, std::string_view data) {
    const size_t header = begin_member(name);
    const size_t start = out_.size();
    if (store_)
      out_ += data;
    else
      deflate_to(data, out_);
    end_member(header, crc(data), static_cast<uint32_t>(data.size()), out_.size() - start);
  }
  // A member compressed ahead of time at this archive's level.
  void add(std::string_view name, const Deflated &d) {
    if (store_) throw sdk::Error(DOCPIPE_ERR_OUTPUT, "xlsx: deflated member in a stored archive");
    const size_t header = begin_member(name);
    out_ += d.data;
    end_member(header, d.crc, d.size, d.data.size());
  }

  // The archive: members, central directory, end record.
  std::string &finish() {
    const size_t directory = out_.size();
    for (const Entry &e : entries_) {
      u32(0x02014b50);
      u16(0);                 // made by: MS-DOS, as minizip writes it
      u16(store_ ? 10 : 20);  // needs 1.0 (stored) or 2.0 (deflate)
      u16(0);                 // flags
      u16(store_ ? 0 : 8);    // stored or deflated
      u16(0);                 // time 00:00
      u16(0x21);              // date 1980-01-01
      u32(e.crc);
      u32(e.compressed);
      u32(e.size);
      u16(static_cast<uint16_t>(e.name.size()));
      u16(0);  // extra
      u16(0);  // comment
      u16(0);  // disk
      u16(1);  // internal attributes: text
      u32(0);  // external attributes
      u32(e.offset);
      out_ += e.name;
    }
    const size_t directory_size = out_.size() - directory;
    u32(0x06054b50);
    u16(0);
    u16(0);
    u16(static_cast<uint16_t>(entries_.size()));
    u16(static_cast<uint16_t>(entries_.size()));
    u32(static_cast<uint32_t>(directory_size));
    u32(static_cast<uint32_t>(directory));
    u16(0);
    return out_;
  }

 private:
  struct Entry {
    std::string name;
    uint32_t crc, compressed, size, offset;
  };

  static uint32_t crc(std::string_view data) {
    return static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef *>(data.data()), static_cast<uInt>(data.size())));
  }

  // Writes a local header with the sizes still zero; end_member fills them.
  size_t begin_member(std::string_view name) {
    const size_t at = out_.size();
    if (at > 0xFFFFFFFFu - (1u << 24)) throw sdk::Error(DOCPIPE_ERR_OUTPUT, "xlsx: workbook too large for zip");
    u32(0x04034b50);
    u16(store_ ? 10 : 20);
    u16(0);
    u16(store_ ? 0 : 8);
    u16(0);
    u16(0x21);
    u32(0);  // crc
    u32(0);  // compressed size
    u32(0);  // size
    u16(static_cast<uint16_t>(name.size()));
    u16(0);
    out_ += name;
    entries_.push_back(Entry{std::string(name), 0, 0, 0, static_cast<uint32_t>(at)});
    return at;
  }
  void end_member(size_t header, uint32_t crc, uint32_t size, size_t compressed) {
    Entry &e = entries_.back();
    e.crc = crc;
    e.size = size;
    e.compressed = static_cast<uint32_t>(compressed);
    put32(header + 14, e.crc);
    put32(header + 18, e.compressed);
    put32(header + 22, e.size);
  }

  void deflate_to(std::string_view data, std::string &out) {
    if (deflateReset(&z_) != Z_OK) throw sdk::Error(DOCPIPE_ERR_OUTPUT, "xlsx: zlib reset failed");
    const size_t start = out.size();
    out.resize(start + deflateBound(&z_, static_cast<uLong>(data.size())));
    z_.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    z_.next_out = reinterpret_cast<Bytef *>(out.data() + start);
    z_.avail_out = static_cast<uInt>(out.size() - start);
    // deflateBound is enough for one Z_FINISH call.
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) throw sdk::Error(DOCPIPE_ERR_OUTPUT, "xlsx: zlib deflate failed");
    out.resize(out.size() - z_.avail_out);
  }

  void u16(uint16_t v) {
    out_ += static_cast<char>(v & 0xFF);
    out_ += static_cast<char>(v >> 8);
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v & 0xFFFF));
    u16(static_cast<uint16_t>(v >> 16));
  }
  void put32(size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) out_[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }

  bool store_;
  z_stream z_{};
  std::string out_;
  std::vector<Entry> entries_;
};

}  // namespace docpipe::outputs::xlsx
