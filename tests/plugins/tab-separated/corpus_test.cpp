// Accuracy harness: every tab-separated document of the shared corpus is
// parsed and, for every truth row, the row the template stage would pick
// (by its label, per the alignment contract) must hold the truth values.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "tsv_parser.hpp"
#include "tsv_support.hpp"

namespace fs = std::filesystem;

namespace {

fs::path corpus_dir() {
  if (const char *env = std::getenv("DOCPIPE_CORPUS")) return env;
  const fs::path beside = fs::path(DOCPIPE_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (fs::exists(beside)) return beside;
  return "/work/shared/corpus";
}

struct Score {
  int cells = 0;
  int right = 0;
  std::vector<std::string> misses;
};

Score score_file(const fs::path &truth_path, const tsvtest::Json &truth) {
  Score s;
  const fs::path txt = truth_path.parent_path() / truth["source"].s;
  docpipe::sdk::RawDocument doc;
  docpipe::tsv::parse(tsvtest::decoded(tsvtest::read_bytes(txt.string())), doc);
  // Truth cells grouped by (table, row), in file (= column) order.
  std::vector<std::pair<std::pair<std::string, std::string>, std::vector<const tsvtest::Json *>>> rows;
  for (const tsvtest::Json &c : truth["cells"].a) {
    auto key = std::make_pair(c["table"].s, c["row"].s);
    if (rows.empty() || rows.back().first != key) rows.push_back({key, {}});
    rows.back().second.push_back(&c);
  }
  for (const auto &[key, cells] : rows) {
    const tsvtest::Found f = tsvtest::lookup(doc, key.first, key.second, cells.size());
    bool all_null = true;
    for (const tsvtest::Json *c : cells) all_null = all_null && (*c)["value"].type == tsvtest::Json::T::null;
    for (size_t i = 0; i < cells.size(); ++i) {
      const tsvtest::Json &c = *cells[i];
      ++s.cells;
      const std::string want = c["value"].type == tsvtest::Json::T::null ? "" : c["value"].s;
      // A table with no data row at all (every cell blank) is "absent" for
      // the template stage, which then reports blanks: still right.
      const bool ok = f.ok ? f.values[i] == want : all_null;
      if (ok)
        ++s.right;
      else
        s.misses.push_back(key.first + " | " + key.second + " | " + c["column"].s + ": want '" + want + "' got " +
                           (f.ok ? "'" + f.values[i] + "'" : "no row"));
    }
  }
  return s;
}

}  // namespace

TEST_CASE("every tab-separated corpus document maps to its truth values", "[corpus]") {
  const fs::path dir = corpus_dir();
  if (!fs::exists(dir)) {
    WARN("corpus folder " << dir << " not found: skipped");
    return;
  }
  std::vector<fs::path> truths;
  for (const auto &e : fs::recursive_directory_iterator(dir))
    if (e.path().string().size() > 11 && e.path().string().ends_with(".truth.json")) truths.push_back(e.path());
  std::sort(truths.begin(), truths.end());
  int files = 0;
  for (const fs::path &p : truths) {
    const tsvtest::Json truth = tsvtest::JsonReader(tsvtest::read_bytes(p.string())).read();
    if (truth["form"].s != "tab-separated") continue;
    ++files;
    const Score s = score_file(p, truth);
    std::cout << "corpus " << truth["source"].s << ": " << s.right << "/" << s.cells << "\n";
    for (const std::string &m : s.misses) std::cout << "  miss " << m << "\n";
    INFO(truth["source"].s << ": " << s.misses.size()
                           << " misses, first: " << (s.misses.empty() ? std::string("-") : s.misses.front()));
    CHECK(s.right == s.cells);
  }
  CHECK(files > 0);
}

TEST_CASE("probe tells the tab-separated form from word-export and space-aligned", "[corpus][probe]") {
  const fs::path dir = corpus_dir();
  if (!fs::exists(dir)) {
    WARN("corpus folder " << dir << " not found: skipped");
    return;
  }
  for (const auto &e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().string();
    if (!name.ends_with(".truth.json")) continue;
    const tsvtest::Json truth = tsvtest::JsonReader(tsvtest::read_bytes(name)).read();
    const std::string bytes = tsvtest::read_bytes((e.path().parent_path() / truth["source"].s).string());
    std::string text = tsvtest::decoded(bytes);
    if (truth["encoding"].s == "gb18030") continue;  // the core decodes it; not UTF-8 here
    // Originals (PDF, ZIP, HTML) are recognised by their bytes in the core and never reach a text reader.
    const std::string &form = truth["form"].s;
    if (form == "docx" || form == "xlsx" || form == "pdf" || form == "html") continue;
    const double p = docpipe::tsv::probe(text);
    INFO(truth["source"].s << " (" << truth["form"].s << ") probe " << p);
    if (form == "tab-separated")
      CHECK(p >= 0.7);
    else
      CHECK(p <= 0.2);
  }
}
