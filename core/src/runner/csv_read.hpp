// A small RFC 4180 reader for the tidy values CSVs the runner combines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace docpipe::runner {

// Splits CSV text (optional UTF-8 BOM; CRLF or LF) into records of fields.
std::vector<std::vector<std::string>> read_csv(std::string_view text);

// Calls `f(fields)` for each record without copying unquoted fields (the
// views point into `text`, or into a scratch buffer for quoted ones, and are
// valid during the call only). Fast path for the runner's large merges.
template <class F>
void for_each_csv_record(std::string_view text, F &&f);

template <class F>
void for_each_csv_record(std::string_view t, F &&f) {
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> slow;
  while (!t.empty()) {
    size_t end = t.find('\n');
    std::string_view line = t.substr(0, end);
    if (line.find('"') != std::string_view::npos) {
      // A quoted field may hold line breaks: parse the rest the slow way.
      slow = read_csv(t);
      for (auto &rec : slow) {
        fields.assign(rec.begin(), rec.end());
        f(fields);
      }
      return;
    }
    t.remove_prefix(end == std::string_view::npos ? t.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    fields.clear();
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    f(fields);
  }
}

}  // namespace docpipe::runner
