#include "support.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <layout.hpp>
#include <sstream>

#include "templates/hints.hpp"
#include "templates/template.hpp"

namespace sa_test {

// The hints the host passes: made by the core from the project's templates.
const docpipe::sdk::ShapeHints &hints() {
  static const docpipe::sdk::ShapeHints h = docpipe::sdk::parse_shape_hints(docpipe::templates::shape_hints_xml(
      docpipe::templates::load_templates(std::string(DOCPIPE_SOURCE_DIR) + "/formats/templates")));
  return h;
}

docpipe::sdk::RawDocument parse(std::string_view text) {
  docpipe::sdk::RawDocument doc;
  docpipe::space_aligned::parse(text, hints(), doc);
  return doc;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fixture(const std::string &name) {
  return read_file(std::string(DOCPIPE_TEST_DIR) + "/plugins/space-aligned/fixtures/" + name);
}

std::string normalise(std::string_view label) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2 *nfkc = icu::Normalizer2::getNFKCInstance(st);
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(label.data(), static_cast<int32_t>(label.size())));
  icu::UnicodeString n = nfkc->normalize(u, st);
  std::string s;
  n.toUTF8String(s);
  std::u32string t;
  for (char32_t c : docpipe::sdk::to_u32(s))
    if (!docpipe::sdk::is_space(c)) t.push_back(c);
  // leading enumerators: 一、 (一) 1. 1、
  auto numeral = [](char32_t c) {
    return std::u32string_view(U"一二三四五六七八九十").find(c) != std::u32string_view::npos ||
           (c >= U'0' && c <= U'9');
  };
  for (int pass = 0; pass < 3; ++pass) {
    size_t i = 0;
    if (!t.empty() && t[0] == U'(') {
      size_t j = 1;
      while (j < t.size() && numeral(t[j])) ++j;
      if (j > 1 && j < t.size() && t[j] == U')') i = j + 1;
    } else {
      size_t j = 0;
      while (j < t.size() && numeral(t[j])) ++j;
      if (j > 0 && j < t.size() && (t[j] == U'、' || t[j] == U'.')) i = j + 1;
    }
    if (i == 0) break;
    t.erase(0, i);
  }
  std::u32string out;
  for (char32_t c : t)
    if (!u_ispunct(static_cast<UChar32>(c)) && !(u_charType(static_cast<UChar32>(c)) == U_MATH_SYMBOL))
      out.push_back(c);
  return docpipe::sdk::to_utf8(out);
}

std::vector<Found> find_rows(const docpipe::sdk::RawDocument &doc, std::string_view label) {
  const std::string want = normalise(label);
  std::vector<Found> out;
  for (const auto &b : doc.blocks()) {
    if (b.kind != docpipe::sdk::Block::Kind::table) continue;
    for (const auto &row : b.table.rows) {
      bool header = false;
      for (const auto &c : row.cells) header = header || c.header;
      if (header) continue;
      for (size_t i = 0; i < row.cells.size(); ++i) {
        if (row.cells[i].column >= 0) break;
        if (normalise(row.cells[i].text) != want) continue;
        Found f;
        f.row = &row;
        for (size_t k = 0; k < row.cells.size(); ++k)
          (row.cells[k].column < 0 ? f.labels : f.values).push_back(row.cells[k].text);
        out.push_back(std::move(f));
        break;
      }
    }
  }
  return out;
}

std::optional<Found> find_row(const docpipe::sdk::RawDocument &doc, std::string_view label) {
  auto v = find_rows(doc, label);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<std::string> last_cells(const docpipe::sdk::Row &row, size_t n) {
  std::vector<std::string> out;
  const size_t from = row.cells.size() >= n ? row.cells.size() - n : 0;
  for (size_t k = from; k < row.cells.size(); ++k) out.push_back(row.cells[k].text);
  return out;
}

int count_diagnostics(const docpipe::sdk::RawDocument &doc, std::string_view code) {
  int n = 0;
  for (const auto &d : doc.diagnostics()) n += d.code == code ? 1 : 0;
  return n;
}

}  // namespace sa_test
