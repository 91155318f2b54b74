// The file-kind recogniser: every kind from its bytes, whatever the name.
#include "kind/kind.hpp"

#include <unicode/ucnv.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace docpipe;

namespace {

void put16(std::string &s, unsigned v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string &s, unsigned long v) {
  put16(s, static_cast<unsigned>(v & 0xffff));
  put16(s, static_cast<unsigned>((v >> 16) & 0xffff));
}

// A ZIP archive of stored members, as the APPNOTE lays it out: local
// headers, central directory, end record.
std::string make_zip(const std::vector<std::pair<std::string, std::string>> &members) {
  std::string out, central;
  for (const auto &[name, data] : members) {
    const unsigned long crc = crc32(0, reinterpret_cast<const Bytef *>(data.data()), static_cast<uInt>(data.size()));
    const size_t offset = out.size();
    out += "PK\x03\x04";
    put16(out, 20), put16(out, 0), put16(out, 0), put16(out, 0), put16(out, 0);
    put32(out, crc), put32(out, data.size()), put32(out, data.size());
    put16(out, static_cast<unsigned>(name.size())), put16(out, 0);
    out += name + data;
    central += "PK\x01\x02";
    put16(central, 20), put16(central, 20), put16(central, 0), put16(central, 0), put16(central, 0), put16(central, 0);
    put32(central, crc), put32(central, data.size()), put32(central, data.size());
    put16(central, static_cast<unsigned>(name.size())), put16(central, 0), put16(central, 0), put16(central, 0),
        put16(central, 0);
    put32(central, 0), put32(central, offset);
    central += name;
  }
  const size_t cd_at = out.size();
  out += central;
  out += "PK\x05\x06";
  put16(out, 0), put16(out, 0), put16(out, static_cast<unsigned>(members.size())),
      put16(out, static_cast<unsigned>(members.size()));
  put32(out, central.size()), put32(out, cd_at), put16(out, 0);
  return out;
}

std::string utf16le(const std::string &ascii) {
  std::string s;
  for (char c : ascii) s += c, s += '\0';
  return s;
}

// The start of an OLE2 compound file and a directory sector naming its
// streams (128-byte entries, names in UTF-16LE with their NUL).
std::string make_ole2(const std::vector<std::string> &streams, const std::string &extra = "") {
  std::string s("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  s.resize(512, '\0');
  for (const auto &name : {std::string("Root Entry")}) {
    std::string e = utf16le(name) + std::string(2, '\0');
    e.resize(128, '\0');
    s += e;
  }
  for (const auto &name : streams) {
    std::string e = utf16le(name) + std::string(2, '\0');
    e.resize(128, '\0');
    s += e;
  }
  return s + extra;
}

std::string encode(const char *charset, const std::string &utf8) {
  UErrorCode st = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  const int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                 static_cast<int32_t>(utf8.size()), &st);
  REQUIRE(U_SUCCESS(st));
  out.resize(static_cast<size_t>(n));
  return out;
}

const std::string kPage =
    "<html><head><meta charset=\"gbk\"><title>年度报告</title></head><body>\n"
    "<p>一、总体情况</p><table><tr><td>规章</td><td>0</td></tr></table></body></html>\n";

}  // namespace

TEST_CASE("PDF by its header, also after leading bytes") {
  CHECK(recognise_kind("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj") == FileKind::pdf);
  CHECK(recognise_kind(std::string(100, ' ') + "%PDF-1.4\n") == FileKind::pdf);
  CHECK(std::string(kind_name(FileKind::pdf)) == "pdf");
}

TEST_CASE("ZIP told apart by its parts") {
  CHECK(recognise_kind(make_zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}})) ==
        FileKind::docx);
  CHECK(recognise_kind(make_zip({{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<workbook/>"}})) ==
        FileKind::xlsx);
  CHECK(recognise_kind(make_zip({{"report.txt", "一、总体情况"}})) == FileKind::zip);
  // Cut short: no central directory to list, still a ZIP (never text).
  const std::string docx = make_zip({{"word/document.xml", "<w:document/>"}});
  CHECK(recognise_kind(docx.substr(0, 40)) == FileKind::zip);
}

TEST_CASE("legacy Office files by their streams") {
  CHECK(recognise_kind(make_ole2({"WordDocument", "1Table", "\x05SummaryInformation"})) == FileKind::doc);
  CHECK(recognise_kind(make_ole2({"Workbook"})) == FileKind::xls);
  CHECK(recognise_kind(make_ole2({"Book"})) == FileKind::xls);
  CHECK(recognise_kind(make_ole2({"PowerPoint Document"})) == FileKind::ole2);
  // Kingsoft WPS writes its KSOProductBuildVer custom property.
  CHECK(recognise_kind(make_ole2({"WordDocument",
                                  "\x05"
                                  "DocumentSummaryInformation"},
                                 "KSOProductBuildVer")) == FileKind::wps);
  CHECK(std::string(kind_advice(FileKind::doc)).find("soffice --headless --convert-to docx") != std::string::npos);
}

TEST_CASE("RTF and images by their magic numbers") {
  CHECK(recognise_kind("{\\rtf1\\ansi\\ansicpg936 ") == FileKind::rtf);
  CHECK(recognise_kind(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)) == FileKind::png);
  CHECK(recognise_kind(std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11)) == FileKind::jpeg);
  CHECK(recognise_kind("GIF89a\x01\x00\x01\x00") == FileKind::gif);
  CHECK(recognise_kind(std::string("II*\0\x08\0\0\0", 8)) == FileKind::tiff);
  CHECK(recognise_kind(std::string("MM\0*\0\0\0\x08", 8)) == FileKind::tiff);
  std::string bmp("BM", 2);
  bmp.resize(14, '\0');
  bmp += std::string("\x28\0\0\0", 4);
  bmp.resize(64, '\0');
  CHECK(recognise_kind(bmp) == FileKind::bmp);
  CHECK(recognise_kind("BMW 3 series sold: 12\n") == FileKind::text);  // "BM" alone is not a bitmap
  CHECK(std::string(kind_advice(FileKind::png)).find("OCR") != std::string::npos);
}

TEST_CASE("HTML by its start or by its markup, in every supported encoding") {
  CHECK(recognise_kind("<!DOCTYPE html>\n<html><body></body></html>") == FileKind::html);
  CHECK(recognise_kind("<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">") == FileKind::html);
  CHECK(recognise_kind("\xEF\xBB\xBF\n  <!-- saved from url -->\n<HTML lang=\"zh\">") == FileKind::html);
  CHECK(recognise_kind("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">") == FileKind::html);
  CHECK(recognise_kind(encode("GB18030", kPage)) == FileKind::html);
  CHECK(recognise_kind(encode("UTF-16LE", kPage)) == FileKind::html);  // no BOM: by the NUL pattern
  CHECK(recognise_kind(std::string("\xFF\xFE") + encode("UTF-16LE", kPage)) == FileKind::html);
  CHECK(recognise_kind(std::string("\xFE\xFF") + encode("UTF-16BE", kPage)) == FileKind::html);
  // A fragment without <html>: mostly markup of HTML elements.
  CHECK(recognise_kind(
            "<div class=\"content\"><p>一、总体情况</p>\n<table><tr><td>规章</td><td>0</td></tr></table></div>") ==
        FileKind::html);
}

TEST_CASE("text stays text, even with a few angle brackets") {
  CHECK(recognise_kind("二、主动公开政府信息情况\n\t规章\t0\n") == FileKind::text);
  CHECK(recognise_kind(encode("GB18030", "二、主动公开政府信息情况\n规章 0\n")) == FileKind::text);
  CHECK(recognise_kind(encode("UTF-16LE", "二、主动公开政府信息情况\n规章 0 <p> 注\n")) == FileKind::text);
  CHECK(recognise_kind("《条例》<第二十条> 规定：\n本年新收 <b> 12 件\n其他 3 件 a < b > c\n") == FileKind::text);
  CHECK(recognise_kind("") == FileKind::text);  // the decoder says "empty file"
  CHECK(is_text_kind(FileKind::text));
  CHECK_FALSE(is_text_kind(FileKind::html));
}

TEST_CASE("markup is looked for in the first 64 KiB, after a UTF-8 BOM too") {
  const std::string fragment = "<div><p>一、总体情况</p><table><tr><td>规章</td></tr></table></div>";
  CHECK(recognise_kind("\xEF\xBB\xBF" + fragment) == FileKind::html);
  std::string prose;
  while (prose.size() < 64 * 1024) prose += "本机关全年主动公开政府信息。\n";
  CHECK(recognise_kind(prose + fragment + fragment + fragment) == FileKind::text);
}

TEST_CASE("other binary data is binary") {
  CHECK(recognise_kind(std::string("\x7F"
                                   "ELF\x02\x01\x01\0",
                                   8)) == FileKind::binary_unknown);
  CHECK(recognise_kind(std::string("abc\x10"
                                   "def",
                                   7)) == FileKind::binary_unknown);
  CHECK(std::string(kind_name(FileKind::binary_unknown)) == "binary");
}
