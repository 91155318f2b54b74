#include "decode/decode.hpp"

#include <unicode/ucnv.h>

#include <catch2/catch.hpp>

#include "error.hpp"
#include "util/sha256.hpp"

using namespace docpipe;

namespace {

std::string encode(const char *charset, const std::string &utf8) {
  UErrorCode st = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  const int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                 static_cast<int32_t>(utf8.size()), &st);
  REQUIRE(U_SUCCESS(st));
  out.resize(static_cast<size_t>(n));
  return out;
}

const std::string kText = "二、主动公开政府信息情况\n\t规章\n\t0\n";

ExitCode code_of(const std::string &bytes) {
  try {
    decode_text(bytes);
  } catch (const Error &e) {
    return e.code();
  }
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("valid UTF-8 is taken as it is") {
  const auto d = decode_text(kText);
  CHECK(d.encoding == "utf-8");
  CHECK_FALSE(d.bom);
  CHECK(d.text == kText);
  CHECK(d.line_endings == "lf");
}

TEST_CASE("a UTF-8 BOM is recorded and removed, CRLF becomes LF") {
  const auto d = decode_text(
      "\xEF\xBB\xBF"
      "一\r\n二\r\n");
  CHECK(d.bom);
  CHECK(d.text == "一\n二\n");
  CHECK(d.line_endings == "crlf");
}

TEST_CASE("UTF-16LE and UTF-16BE with a BOM") {
  const auto le = decode_text(encode("UTF-16LE", "\xEF\xBB\xBF" + kText));
  CHECK(le.encoding == "utf-16le");
  CHECK(le.bom);
  CHECK(le.text == kText);
  const auto be = decode_text(encode("UTF-16BE", "\xEF\xBB\xBF" + kText));
  CHECK(be.encoding == "utf-16be");
  CHECK(be.text == kText);
}

TEST_CASE("BOM-less UTF-16 is recognised by its NUL-byte pattern") {
  const auto d = decode_text(encode("UTF-16LE", "Report 2020\n\t0\n\t1\n规章\n"));
  CHECK(d.encoding == "utf-16le");
  CHECK_FALSE(d.bom);
  CHECK(d.decision.find("NUL-byte pattern") != std::string::npos);
}

TEST_CASE("GB18030 is decoded strictly when the bytes are not UTF-8") {
  const auto d = decode_text(encode("GB18030", kText));
  CHECK(d.encoding == "gb18030");
  CHECK(d.text == kText);
}

TEST_CASE("binary data is rejected before any legacy decoding") {
  const std::string bin("PK\x03\x04\x00\x01\x02", 7);
  CHECK(code_of(bin) == ExitCode::bad_input);
  CHECK_THROWS_WITH(decode_text(bin), Catch::Contains("binary") && Catch::Contains("byte offset"));
  CHECK_THROWS_WITH(decode_text(std::string("abc\x1b[0m", 7)), Catch::Contains("control byte 0x1B"));
}

TEST_CASE("the first control byte is found at any offset, among any other bytes") {
  // Every byte value at every place of an 8-byte word and of the tail, among
  // the allowed controls, space, '~' and high bytes; a later control byte
  // (SOH, last) must not hide it.
  const std::string fill = "\t\n\f\r ~\x80\xff!A";
  for (int b = 0; b < 256; ++b) {
    const bool control = (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f;
    for (size_t at = 0; at < 22; ++at) {
      std::string s;
      for (size_t k = 0; k < 22; ++k) s += fill[(k + static_cast<size_t>(b)) % fill.size()];
      s[at] = static_cast<char>(b);
      CHECK(control_byte_offset(s) == (control ? at : std::string_view::npos));
      s += '\x01';
      CHECK(control_byte_offset(s) == (control ? at : 22));
    }
  }
  CHECK(control_byte_offset("") == std::string_view::npos);
}

TEST_CASE("an empty file is an error, not an empty document") {
  CHECK_THROWS_WITH(decode_text(""), Catch::Contains("empty"));
}

TEST_CASE("bytes that are neither UTF-8 nor plausible GB18030 are refused, never mojibake") {
  // Windows-1252 accented Latin text: valid GB18030 byte pairs, implausible as Chinese.
  std::string latin;
  for (int i = 0; i < 40; ++i) latin += "caf\xE9 na\xEFve \xC0\xC1\xD5\xE6 ";
  CHECK(code_of(latin) == ExitCode::bad_input);
  // Traditional Chinese in Big5 is mostly "valid" GBK, but not plausible GB text.
  CHECK(code_of(encode("Big5", "政府資訊公開工作年度報告：本機關受理申請數量與處理結果，總計無。")) ==
        ExitCode::bad_input);
  CHECK_THROWS_WITH(decode_text(encode("Big5", "政府資訊公開工作年度報告：本機關受理申請數量與處理結果，總計無。")),
                    Catch::Contains("Big5"));
  // A truncated GB18030 sequence at the end does not decode strictly.
  CHECK(code_of(encode("GB18030", "一二三") + "\x81") == ExitCode::bad_input);
}

TEST_CASE("FF and TAB are text, lone CR becomes LF") {
  const auto d = decode_text("a\tb\fc\rd");
  CHECK(d.text == "a\tb\fc\nd");
  CHECK(d.line_endings == "cr");
}

TEST_CASE("sha256_hex gives the FIPS 180-4 digests") {
  CHECK(docpipe::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(docpipe::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(docpipe::sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
