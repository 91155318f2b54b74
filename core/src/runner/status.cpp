// `docpipe status OUTDIR [--csv FILE]`: what the ledger says of the last run.
#include <unistd.h>

#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <iostream>

#include "across/store.hpp"
#include "error.hpp"
#include "runner/events.hpp"
#include "runner/ledger.hpp"
#include "runner/runner.hpp"
#include "support/csv.hpp"
#include "util/files.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;

int run_status(const fs::path &output_dir, const fs::path &csv_out) {
  const fs::path file = output_dir / ".docpipe" / "ledger.sqlite";
  std::error_code ec;
  if (!fs::exists(file, ec)) throw Error(ExitCode::no_input, output_dir.string() + ": no ledger here (no run yet?)");
  Ledger ledger(file);
  const auto rows = ledger.all();
  size_t done = 0, failed = 0, ok = 0, review = 0, violations = 0;
  for (const auto &r : rows) {
    (r.status == "done" ? done : failed)++;
    if (r.status == "done") (r.verdict == "ok" ? ok : review)++;
    violations += r.violations.size();
  }
  std::cout << shown(output_dir.string()) << ": " << rows.size() << " inputs, " << done << " converted (" << ok
            << " ok, " << review << " to review), " << failed << " failed, " << violations << " identity violations\n";
  for (const auto &r : rows)
    if (r.status != "done") std::cout << "  failed  " << shown(r.relpath) << ": " << shown(r.error) << "\n";
  for (const auto &r : rows)
    if (r.status == "done" && r.verdict != "ok")
      std::cout << "  review  " << shown(r.relpath) << ": " << r.reasons << "\n";
  across::print_status(ledger.handle(), std::cout);  // cross-year findings (docs/cross-year.md)
  if (!csv_out.empty()) {
    // The project's one CSV writer: quoting, and text that would read as a
    // formula (a title starting with "=") guarded.
    outputs::CsvWriter csv(true, true);
    for (const char *h : {"relpath", "status", "verdict", "reasons", "error", "template", "plugin", "title", "agency",
                          "year", "violations", "seconds", "finished_at"})
      csv.field(h, true);
    csv.end_row();
    for (const auto &r : rows) {
      const std::string f[] = {shown(r.relpath),
                               r.status,
                               r.verdict,
                               r.reasons,
                               shown(r.error),
                               r.template_id,
                               r.plugin,
                               r.title,
                               r.agency,
                               r.year,
                               std::to_string(r.violations.size()),
                               std::to_string(r.seconds),
                               r.finished_at};
      for (const auto &v : f) csv.field(v, true);
      csv.end_row();
    }
    if (const size_t bad = sdk::invalid_utf8_at(csv.bytes()); bad != std::string::npos)
      throw Error(ExitCode::internal,
                  shown(csv_out.string()) + ": would hold invalid UTF-8 at byte " + std::to_string(bad));
    write_file_whole(csv_out, csv.bytes(), csv_out.string());
  }
  return failed > 0 ? static_cast<int>(ExitCode::some_failed) : 0;
}

}  // namespace docpipe::runner
