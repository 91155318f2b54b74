#include "engine/verdict.hpp"

#include <string>

namespace docpipe::engine {

Verdict judge(const sdk::RawDocument &body, const templates::Mapping &m, const std::vector<templates::Check> &checks) {
  using namespace templates;
  Verdict v;
  auto &reasons = v.reasons;
  if (m.tmpl == nullptr) reasons.push_back({"no-template", "no report template recognised"});
  std::vector<size_t> absent(m.tmpl ? m.tables.size() : 0, 0);
  size_t aligned_with_data = 0;
  for (const Record &r : m.records) {
    if (r.placement == Placement::absent) absent[r.cell.table]++;
    if (r.placement == Placement::aligned && r.value.state != CellState::blank) aligned_with_data++;
  }
  if (m.tmpl != nullptr)
    for (size_t ti = 0; ti < m.tables.size(); ++ti) {
      const std::string &name = m.tables[ti]->name;
      if (!m.table_seen[ti])
        reasons.push_back({"table-missing", "table " + name + " not found"});
      else if (absent[ti] > 0)
        reasons.push_back({"absent-cells", std::to_string(absent[ti]) + " cells of " + name +
                                               " have no counterpart in the source (left blank)"});
    }
  if (aligned_with_data > 0)
    reasons.push_back({"ambiguous-placement",
                       std::to_string(aligned_with_data) + " values placed by alignment on rows with missing cells"});
  size_t data_unmapped = 0;
  for (const Unmapped &u : m.unmapped) data_unmapped += u.holds_data;
  if (data_unmapped > 0)
    reasons.push_back(
        {"unmapped-cells", std::to_string(data_unmapped) + " source rows or cells with values fit no template cell"});
  size_t failed = 0, tie_breaks = 0;
  for (const Check &c : checks) {
    failed += c.result == CheckResult::fail;
    tie_breaks += c.tie_break;
  }
  if (failed > 0) reasons.push_back({"failed-identity", std::to_string(failed) + " accounting identities fail"});
  if (tie_breaks > 0)
    reasons.push_back({"tie-break", std::to_string(tie_breaks) +
                                        " identities were used to place values and are not independent checks"});
  // Diagnostics that declare a doubt about the data (a cell may be wrong or
  // missing): the input plugin's (doubt="true", and every error) and the
  // template stage's own. Read from the declaration, never from a code name.
  size_t doubtful = 0;
  for (const sdk::Diagnostic &d : body.diagnostics())
    if (d.severity == sdk::Severity::error || d.doubt) ++doubtful;
  for (const Finding &f : m.findings) doubtful += f.doubt;
  if (doubtful > 0)
    reasons.push_back(
        {"input-doubts", std::to_string(doubtful) + " ambiguous or failed parts of the input (see diagnostics)"});
  return v;
}

}  // namespace docpipe::engine
