#include "util/csv.hpp"

#include "error.hpp"

namespace docpipe {

std::vector<CsvRecord> read_csv_records(std::string_view t, const std::string &file) {
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, quote_line = 0;
  rec.line = 1;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (quoted) {
      if (c == '"' && i + 1 < t.size() && t[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == ',') {
      rec.fields.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        rec.fields.push_back(std::move(field));
        out.push_back(std::move(rec));
      }
      rec = CsvRecord{};
      field.clear();
      any = false;
      rec.line = ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw Error(ExitCode::config, file + ":" + std::to_string(quote_line) + ": a quote is never closed");
  if (any || !field.empty()) {
    rec.fields.push_back(std::move(field));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace docpipe
