// SHA-256 of a byte string, as 64 lower-case hex digits (FIPS 180-4).
// Small enough to own, so the core needs no crypto library for provenance.
#pragma once

#include <string>
#include <string_view>

namespace docpipe {

std::string sha256_hex(std::string_view data);

}  // namespace docpipe
