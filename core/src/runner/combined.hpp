// The combined outputs of a bulk run: values.csv (the tidy cells of every
// report, `file` being the path relative to the input folder) and
// summary.xlsx (a row per report per template with every template cell as a
// column, a checks sheet of identity violations, a failures sheet), written
// with libxlsxwriter's constant-memory mode so 100,000 reports fit.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "across/crossyear.hpp"
#include "runner/ledger.hpp"
#include "templates/template.hpp"

namespace docpipe::runner {

// Written in one pass, a report at a time in relpath order, while the run
// converts (the runner feeds it records as they are settled): memory stays
// flat whatever the number of inputs, and the files appear (renamed from
// their temporaries) only on commit().
class CombinedOutputs {
 public:
  // An empty path leaves that output out.
  CombinedOutputs(const std::filesystem::path &out_dir, const std::filesystem::path &values_file,
                  const std::filesystem::path &summary_file, const std::vector<templates::Template> &templates);
  ~CombinedOutputs();  // without commit(): the temporaries are removed
  CombinedOutputs(const CombinedOutputs &) = delete;
  CombinedOutputs &operator=(const CombinedOutputs &) = delete;

  void add(const InputRecord &record);  // the next input, in relpath order
  // The cross-year sheet's rows (docs/cross-year.md), once, before commit().
  void add_cross_year(const std::vector<across::Finding> &findings);
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docpipe::runner
