// SHA-256 of a byte string, as 64 lower-case hex digits (FIPS 180-4).
// OpenSSL's libcrypto: it uses the CPU's SHA extensions, and every input is hashed.
#pragma once

#include <string>
#include <string_view>

namespace docpipe {

std::string sha256_hex(std::string_view data);

}  // namespace docpipe
