// Test helpers for the tab-separated plugin: reading files the way the core
// hands them over (decoded to UTF-8, CRLF -> LF), a small JSON reader for the
// corpus truth files, label normalisation close to the template stage's, and
// the alignment contract of the template stage (which cells are the values).
#pragma once

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <docpipe/sdk/raw_document.hpp>
#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tsvtest {

inline std::string read_bytes(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// What the core does before a plugin sees the text: BOM-based UTF-16 and
// UTF-8 decoding, CRLF/CR -> LF.
inline std::string decoded(const std::string &bytes) {
  std::string t;
  const auto *b = reinterpret_cast<const unsigned char *>(bytes.data());
  if (bytes.size() >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
    const bool le = b[0] == 0xFF;
    std::u32string u;
    for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
      char32_t c = le ? (b[i] | (b[i + 1] << 8)) : ((b[i] << 8) | b[i + 1]);
      if (c >= 0xD800 && c < 0xDC00 && i + 3 < bytes.size()) {
        const char32_t d = le ? (b[i + 2] | (b[i + 3] << 8)) : ((b[i + 2] << 8) | b[i + 3]);
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        i += 2;
      }
      u.push_back(c);
    }
    t = docpipe::sdk::to_utf8(u);
  } else if (bytes.size() >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    t = bytes.substr(3);
  } else {
    t = bytes;
  }
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\r') {
      out += '\n';
      if (i + 1 < t.size() && t[i + 1] == '\n') ++i;
    } else {
      out += t[i];
    }
  }
  return out;
}

// ---- minimal JSON (objects, arrays, strings, numbers, true/false/null)

struct Json {
  enum class T { null, boolean, number, string, array, object } type = T::null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> a;
  std::map<std::string, Json> o;
  const Json &operator[](const std::string &k) const {
    static const Json none;
    auto it = o.find(k);
    return it == o.end() ? none : it->second;
  }
};

class JsonReader {
 public:
  explicit JsonReader(const std::string &t) : t_(t) {}
  Json read() {
    Json j = value();
    return j;
  }

 private:
  void ws() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\t' || t_[p_] == '\r')) ++p_;
  }
  Json value() {
    ws();
    Json j;
    if (p_ >= t_.size()) throw std::runtime_error("json: end of input");
    const char c = t_[p_];
    if (c == '{') {
      j.type = Json::T::object;
      ++p_;
      ws();
      if (t_[p_] == '}') return ++p_, j;
      while (true) {
        ws();
        std::string k = str();
        ws();
        ++p_;  // ':'
        j.o[k] = value();
        ws();
        if (t_[p_++] == '}') break;
      }
    } else if (c == '[') {
      j.type = Json::T::array;
      ++p_;
      ws();
      if (t_[p_] == ']') return ++p_, j;
      while (true) {
        j.a.push_back(value());
        ws();
        if (t_[p_++] == ']') break;
      }
    } else if (c == '"') {
      j.type = Json::T::string;
      j.s = str();
    } else if (t_.compare(p_, 4, "null") == 0) {
      p_ += 4;
    } else if (t_.compare(p_, 4, "true") == 0) {
      j.type = Json::T::boolean, j.b = true, p_ += 4;
    } else if (t_.compare(p_, 5, "false") == 0) {
      j.type = Json::T::boolean, p_ += 5;
    } else {
      size_t e = p_;
      while (e < t_.size() && std::string("+-0123456789.eE").find(t_[e]) != std::string::npos) ++e;
      j.type = Json::T::number;
      j.n = std::stod(t_.substr(p_, e - p_));
      p_ = e;
    }
    return j;
  }
  std::string str() {
    std::string out;
    ++p_;  // opening quote
    while (p_ < t_.size() && t_[p_] != '"') {
      if (t_[p_] == '\\') {
        const char e = t_[++p_];
        if (e == 'u') {
          char32_t c = static_cast<char32_t>(std::stoul(t_.substr(p_ + 1, 4), nullptr, 16));
          p_ += 4;
          if (c >= 0xD800 && c < 0xDC00 && t_[p_ + 1] == '\\') {
            const char32_t d = static_cast<char32_t>(std::stoul(t_.substr(p_ + 3, 4), nullptr, 16));
            c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
            p_ += 6;
          }
          out += docpipe::sdk::to_utf8(std::u32string(1, c));
        } else {
          out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
        }
        ++p_;
      } else {
        out += t_[p_++];
      }
    }
    ++p_;
    return out;
  }
  const std::string &t_;
  size_t p_ = 0;
};

// ---- label normalisation (NFKC, enumerators, white space, punctuation)

inline std::string nfkc(const std::string &s) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2 *n = icu::Normalizer2::getNFKCInstance(st);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s), out;
  n->normalize(u, out, st);
  std::string r;
  out.toUTF8String(r);
  return r;
}

inline std::string normalise_label(const std::string &label) {
  std::u32string u = docpipe::sdk::to_u32(nfkc(label));
  auto drop_ws = [](std::u32string &x) {
    size_t i = 0;
    while (i < x.size() && docpipe::sdk::is_space(x[i])) ++i;
    x.erase(0, i);
  };
  auto numeral = [](char32_t c) {
    return std::u32string_view(U"一二三四五六七八九十").find(c) != std::u32string_view::npos;
  };
  auto digit = [](char32_t c) { return c >= U'0' && c <= U'9'; };
  drop_ws(u);
  // Leading enumerators: 一、  (一)  1.  1、  (1)
  for (int round = 0; round < 3; ++round) {
    size_t i = 0;
    if (i < u.size() && numeral(u[i])) {
      while (i < u.size() && numeral(u[i])) ++i;
      if (i < u.size() && u[i] == U'、') u.erase(0, i + 1);
    } else if (i < u.size() && u[i] == U'(') {
      size_t j = 1;
      while (j < u.size() && (numeral(u[j]) || digit(u[j]) || u[j] == U' ')) ++j;
      if (j > 1 && j < u.size() && u[j] == U')') u.erase(0, j + 1);
    } else if (i < u.size() && digit(u[i])) {
      while (i < u.size() && digit(u[i])) ++i;
      if (i < u.size() && (u[i] == U'.' || u[i] == U'、')) u.erase(0, i + 1);
    }
    drop_ws(u);
  }
  std::u32string out;
  for (char32_t c : u) {
    if (docpipe::sdk::is_space(c) || u_ispunct(static_cast<UChar32>(c))) continue;
    const int8_t cat = static_cast<int8_t>(u_charType(static_cast<UChar32>(c)));
    if (cat == U_MATH_SYMBOL || cat == U_OTHER_SYMBOL || cat == U_MODIFIER_SYMBOL) continue;
    out.push_back(c);
  }
  return docpipe::sdk::to_utf8(out);
}

// ---- the alignment contract of the template stage

struct Found {
  bool ok = false;
  std::vector<std::string> values;
};

inline std::string last_path_level(const std::string &row) {
  // "本年增/减" never appears in a row path, so '/' always separates levels.
  const size_t p = row.rfind('/');
  return p == std::string::npos ? row : row.substr(p + 1);
}

inline bool is_header_row(const docpipe::sdk::Row &r) {
  for (const auto &c : r.cells)
    if (c.header) return true;
  return false;
}

inline bool table_has_header_text(const docpipe::sdk::Table &t, const std::string &needle) {
  for (const auto &r : t.rows)
    for (const auto &c : r.cells)
      if (c.header && normalise_label(c.text).find(needle) != std::string::npos) return true;
  return false;
}

// Values of the row that the template stage would map to (table, row), per
// the contract: 收到和处理…: the last 7 cells of the row whose deepest label is
// the row's last path level; 行政复议…: the last 15 cells of the data row;
// 主动公开…: the cells right after the label.
inline Found lookup(const docpipe::sdk::RawDocument &doc, const std::string &table, const std::string &row,
                    size_t ncols) {
  Found f;
  const std::string key = normalise_label(last_path_level(row));
  for (const auto &b : doc.blocks()) {
    if (b.kind != docpipe::sdk::Block::Kind::table) continue;
    for (const auto &r : b.table.rows) {
      if (is_header_row(r)) continue;
      const size_t n = r.cells.size();
      if (table == "政府信息公开行政复议、行政诉讼情况") {
        if (n < 15 || !table_has_header_text(b.table, "行政复议")) continue;
        bool labels = false;
        for (size_t i = 0; i + 15 < n; ++i) labels = labels || !docpipe::sdk::is_blank(r.cells[i].text);
        if (labels) continue;
        for (size_t i = n - 15; i < n; ++i) f.values.push_back(r.cells[i].text);
        f.ok = true;
        return f;
      }
      if (table == "收到和处理政府信息公开申请情况") {
        if (n < ncols + 1) continue;
        std::string last;
        for (size_t i = 0; i + ncols < n; ++i)
          if (!docpipe::sdk::is_blank(r.cells[i].text)) last = r.cells[i].text;
        if (normalise_label(last) != key) continue;
        for (size_t i = n - ncols; i < n; ++i) f.values.push_back(r.cells[i].text);
        f.ok = true;
        return f;
      }
      // 主动公开政府信息情况: start-aligned after the label.
      for (size_t i = 0; i < n; ++i) {
        if (docpipe::sdk::is_blank(r.cells[i].text)) continue;
        if (normalise_label(r.cells[i].text) != key) break;
        for (size_t k = i + 1; k < n && f.values.size() < ncols; ++k) f.values.push_back(r.cells[k].text);
        f.ok = f.values.size() == ncols;
        if (f.ok) return f;
        f.values.clear();
        break;
      }
    }
  }
  return f;
}

}  // namespace tsvtest
