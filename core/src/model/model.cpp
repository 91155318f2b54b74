#include "model/model.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <docpipe/sdk/text.hpp>
#include <regex>

#include "error.hpp"

namespace docpipe::model {

sdk::model::Document assemble(const Provenance &p, const DecodedText &text, const engine::ReportMeta &report,
                              sdk::RawDocument body, const templates::Mapping &m,
                              const std::vector<templates::Check> &checks, const engine::Verdict &verdict) {
  using namespace templates;
  namespace sm = sdk::model;
  // The template stage's enums name the same things in the same order.
  static_assert(int(sm::Placement::direct) == int(Placement::direct) &&
                int(sm::Placement::aligned) == int(Placement::aligned) &&
                int(sm::Placement::tie_break) == int(Placement::tie_break) &&
                int(sm::Placement::header_only) == int(Placement::header_only) &&
                int(sm::Placement::absent) == int(Placement::absent) &&
                int(sm::Placement::override_) == int(Placement::override_));
  static_assert(int(sm::CheckResult::pass) == int(CheckResult::pass) &&
                int(sm::CheckResult::blank_pass) == int(CheckResult::blank_pass) &&
                int(sm::CheckResult::fail) == int(CheckResult::fail));
  sm::Document doc;
  // Paths are bytes (a GBK file name is not UTF-8): shown by the SDK's one
  // reversible escape, never raw.
  doc.metadata.source = {sdk::escape_bytes(p.path), sdk::escape_bytes(p.name), p.sha256, p.bytes};
  doc.metadata.encoding = {text.encoding, text.bom, text.line_endings, text.decision};
  doc.metadata.input = {p.plugin, p.plugin_version, p.confidence};
  doc.metadata.report = {report.title, report.title.empty() ? "" : report.year,
                         report.title.empty() ? "" : report.agency, report.date, report.agency_key};
  doc.metadata.producer = {"docpipe", DOCPIPE_VERSION};
  doc.body = std::move(body);
  if (m.tmpl != nullptr) {
    // Each table seen, with the layout it matched (the template's own or a variant).
    sm::TemplateRef ref{m.tmpl->id, m.tmpl->title, {}};
    for (size_t ti = 0; ti < m.tables.size(); ++ti)
      if (m.table_seen[ti])
        ref.tables.push_back(
            {m.tables[ti]->id, m.tables[ti]->name, m.tables[ti]->variant, m.tables[ti]->corner, m.tables[ti]->band});
    doc.tmpl = std::move(ref);
  }
  doc.records.reserve(m.records.size());
  for (const Record &r : m.records) {
    const Table &tab = *m.tables[r.cell.table];
    const Section &sec = tab.sections[r.cell.section];
    sm::Record rec;
    rec.table = tab.name;
    rec.row = sec.rows[r.cell.row].path;
    rec.column = sec.columns[r.cell.column].path;
    rec.value = r.value.raw;
    rec.state = r.value.state;
    if (r.value.state == CellState::number) rec.number = r.value.number;
    rec.unit = r.value.unit;
    rec.placement = static_cast<sm::Placement>(r.placement);
    if (r.placement == Placement::override_) {  // a correction by hand: where it is, why, what was read
      rec.origin = sdk::escape_bytes(r.origin);
      rec.note = r.note;
      rec.read = r.read;
      rec.had_read = r.had_read;
    }
    if (r.placement != Placement::absent && r.first_line > 0)
      rec.lines = {r.first_line, r.last_line > 0 ? r.last_line : r.first_line};
    doc.records.push_back(std::move(rec));
  }
  for (const Unmapped &u : m.unmapped) doc.unmapped.push_back({{u.first_line, u.last_line}, u.reason, u.text});
  for (const Check &c : checks) {
    sm::Check ch;
    ch.identity = c.identity->id;
    ch.table = m.tables[c.table]->name;
    ch.row = c.row;
    ch.column = c.column;
    ch.result = static_cast<sm::CheckResult>(c.result);
    ch.expected = format_number(c.expected);
    ch.actual = format_number(c.actual);
    ch.tie_break = c.tie_break;
    // The cells involved, by record: each cell's text is in its record.
    for (const CheckTerm &t : c.terms) {
      if (t.record == nullptr) continue;
      (t.expected_side ? ch.expected_cells : ch.actual_cells)
          .push_back(static_cast<size_t>(t.record - m.records.data()));
    }
    doc.checks.push_back(std::move(ch));
  }
  doc.verdict.ok = verdict.ok();
  for (const auto &[code, reason] : verdict.reasons) doc.verdict.reasons.push_back({code, reason});
  for (const Finding &f : m.findings) {
    const sdk::Severity sev = f.severity == "info"    ? sdk::Severity::info
                              : f.severity == "error" ? sdk::Severity::error
                                                      : sdk::Severity::warning;
    doc.diagnostics.push_back({sev, f.line, f.code, f.message, f.doubt});
  }
  return doc;
}

}  // namespace docpipe::model
