// The combined outputs of a bulk run: values.csv (the tidy cells of every
// report, `file` being the path relative to the input folder) and
// summary.xlsx (a row per report per template with every template cell as a
// column, a checks sheet of identity violations, a failures sheet), written
// with libxlsxwriter's constant-memory mode so 100,000 reports fit.
#pragma once

#include <filesystem>
#include <vector>

#include "runner/ledger.hpp"
#include "templates/template.hpp"

namespace docpipe::runner {

std::filesystem::path write_combined_values(const std::vector<InputRecord> &records,
                                            const std::filesystem::path &out_dir, const std::filesystem::path &file);

std::filesystem::path write_summary_xlsx(const std::vector<InputRecord> &records,
                                         const std::vector<templates::Template> &templates,
                                         const std::filesystem::path &out_dir, const std::filesystem::path &file);

}  // namespace docpipe::runner
