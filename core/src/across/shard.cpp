#include "across/shard.hpp"

#include <charconv>

#include "error.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"

namespace docpipe::across {

Shard parse_shard(std::string_view text) {
  const auto bad = [&](const std::string &why) {
    return Error(ExitCode::usage,
                 "--shard '" + std::string(text) + "': " + why + " (expected I/N, 0 <= I < N, e.g. 0/4)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) throw bad("no '/'");
  Shard s;
  const auto num = [&](std::string_view part, unsigned &out) {
    const auto r = std::from_chars(part.data(), part.data() + part.size(), out);
    if (part.empty() || r.ec != std::errc() || r.ptr != part.data() + part.size()) throw bad("not a number");
  };
  num(text.substr(0, slash), s.index);
  num(text.substr(slash + 1), s.count);
  if (s.count == 0 || s.count > 100000) throw bad("N must be 1 to 100000");
  if (s.index >= s.count) throw bad("I must be below N");
  return s;
}

bool in_shard(std::string_view relpath, const Shard &shard) {
  if (shard.count <= 1) return true;
  const std::string h = sha256_hex(relpath);
  uint64_t v = 0;
  std::from_chars(h.data(), h.data() + 16, v, 16);
  return v % shard.count == shard.index;
}

std::string templates_digest(const std::vector<templates::Template> &templates) {
  std::string all;
  for (const auto &t : templates) {
    std::string bytes;
    read_whole_file(t.file, bytes);
    all += t.file.filename().string() + ":" + sha256_hex(bytes) + "\n";
  }
  return sha256_hex(all);
}

}  // namespace docpipe::across
