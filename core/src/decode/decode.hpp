// Bytes -> valid UTF-8 with LF line ends, decided once in the core for every
// plugin. Order: BOM; BOM-less UTF-16 by its NUL pattern; binary rejection
// (NUL and C0 controls other than TAB LF CR FF) *before* any legacy decoding,
// since almost any byte run decodes as "valid" GB18030; strict UTF-8; strict
// GB18030 with a plausibility check of the result. Never mojibake: anything
// else is an error.
#pragma once

#include <string>
#include <string_view>

namespace docpipe {

struct DecodedText {
  std::string text;      // valid UTF-8, LF line ends, no BOM
  std::string encoding;  // utf-8 | gb18030 | utf-16le | utf-16be
  bool bom = false;
  std::string line_endings;  // lf | crlf | cr | mixed | none
  std::string decision;      // why, for people
};

// Throws docpipe::Error(bad_input) with the reason (and byte offset where one
// applies) when the bytes are not text docpipe can trust.
DecodedText decode_text(std::string_view bytes);

// The offset of the first control byte, a C0 control other than TAB, LF, CR
// and FF, or DEL: what marks binary data (the decoder's rejection and the
// binary kind, core/src/kind). std::string_view::npos when there is none.
size_t control_byte_offset(std::string_view bytes);

}  // namespace docpipe
