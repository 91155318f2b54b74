// Whole-file reading for the host side.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace docpipe {

// The file's bytes; "" when it cannot be read (callers that must tell the
// difference check existence first, as Engine::build_model does).
inline std::string read_file_bytes(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace docpipe
