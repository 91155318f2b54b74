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

// Both read the ledger one input at a time (several passes), so memory stays
// flat whatever the number of inputs.
std::filesystem::path write_combined_values(const Ledger &ledger, const std::filesystem::path &out_dir,
                                            const std::filesystem::path &file);

std::filesystem::path write_summary_xlsx(const Ledger &ledger, const std::vector<templates::Template> &templates,
                                         const std::filesystem::path &out_dir, const std::filesystem::path &file);

}  // namespace docpipe::runner
