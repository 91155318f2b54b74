#include "templates/overrides.hpp"

#include <cerrno>
#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <map>

#include "error.hpp"
#include "templates/labels.hpp"
#include "templates/values.hpp"
#include "util/csv.hpp"
#include "util/files.hpp"

namespace docpipe::templates {
namespace fs = std::filesystem;

namespace {

constexpr const char *kColumns[] = {"file", "table", "row", "column", "value", "note"};

// A spreadsheet's formula guard undone: the project's CSVs write "'=x" for
// text "=x" (support/csv.hpp), so a value copied from them reads back as written.
std::string unguarded(std::string s) {
  if (s.size() >= 2 && s[0] == '\'' && std::strchr("=+-@\t\r", s[1]) != nullptr) s.erase(0, 1);
  return s;
}

// Exactly as the values CSV writes it, or equal as the template stage
// compares labels: spacing, full-width forms, enumerators.
bool same_label(const std::string &canonical, const std::string &given) {
  return canonical == given || (!given.empty() && label_key(canonical) == label_key(given));
}

bool same_table(const Table &t, const std::string &given) { return t.id == given || same_label(t.name, given); }

// A label path as the values CSV writes it (levels joined by '/'), or
// loosely: level by level, as the template stage compares labels.
bool same_path(const std::string &path, const std::vector<std::string> &levels, const std::string &given, bool loose) {
  if (path == given) return true;
  if (!loose || given.empty()) return false;
  size_t k = 0, start = 0;
  while (start <= given.size()) {
    size_t slash = given.find('/', start);
    if (slash == std::string::npos) slash = given.size();
    if (k >= levels.size() || label_key(levels[k]) != label_key(given.substr(start, slash - start))) return false;
    ++k;
    start = slash + 1;
  }
  return k == levels.size();
}

// Where a row names a cell: the section, row and column indices of `tab`,
// or an empty string explaining why not.
struct CellAt {
  size_t section = 0, row = 0, column = 0;
  std::string why;  // empty when found
};

CellAt find_cell(const Table &tab, const Override &o) {
  CellAt at;
  bool row_found = false;
  for (const bool loose : {false, true})  // the exact spelling first
    for (size_t si = 0; si < tab.sections.size(); ++si) {
      const Section &sec = tab.sections[si];
      for (size_t ri = 0; ri < sec.rows.size(); ++ri) {
        if (!same_path(sec.rows[ri].path, sec.rows[ri].labels, o.row, loose)) continue;
        row_found = true;
        for (size_t ci = 0; ci < sec.columns.size(); ++ci)
          if (same_path(sec.columns[ci].path, sec.columns[ci].labels, o.column, loose)) {
            at.section = si, at.row = ri, at.column = ci;
            return at;
          }
      }
    }
  at.why = row_found ? "table " + tab.name + " has no column '" + o.column + "' in row '" + o.row + "'"
                     : "table " + tab.name + " has no row '" + o.row + "'";
  return at;
}

}  // namespace

Overrides Overrides::load(const std::vector<fs::path> &files, const std::vector<Template> &templates) {
  Overrides out;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, size_t> seen;  // cell -> item
  for (const fs::path &file : files) {
    const std::string name = sdk::escape_bytes(file.string());
    std::string bytes;
    if (const int err = read_whole_file(file, bytes); err != 0)
      throw Error(ExitCode::no_input, name + ": overrides file cannot be read: " + std::strerror(err));
    if (const size_t bad = sdk::invalid_utf8_at(bytes); bad != std::string::npos)
      throw Error(ExitCode::config, name + ": not UTF-8 (byte " + std::to_string(bad) + "); save it as UTF-8 CSV");
    const std::vector<CsvRecord> records = read_csv_records(bytes, name);
    auto where = [&](int line) { return name + ":" + std::to_string(line); };
    if (records.empty())
      throw Error(ExitCode::config,
                  name + ": empty; the first line must be the header " + "file,table,row,column,value,note");
    // The header names the columns (any order; all six required).
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < records[0].fields.size(); ++i) col[sdk::trim(records[0].fields[i])] = i;
    for (const char *c : kColumns)
      if (col.count(c) == 0)
        throw Error(ExitCode::config, where(records[0].line) + ": the header has no column '" + c +
                                          "' (the header is file,table,row,column,value,note)");
    for (size_t k = 1; k < records.size(); ++k) {
      const CsvRecord &r = records[k];
      auto get = [&](const char *c) {
        const size_t i = col[c];
        return i < r.fields.size() ? sdk::trim(unguarded(r.fields[i])) : std::string();
      };
      if (r.fields.size() < records[0].fields.size())
        throw Error(ExitCode::config, where(r.line) + ": " + std::to_string(r.fields.size()) +
                                          " fields, the header has " + std::to_string(records[0].fields.size()));
      Override o{get("file"), get("table"), get("row"), get("column"), get("value"), get("note"), where(r.line)};
      if (o.file.empty()) throw Error(ExitCode::config, o.origin + ": no file (the values CSV's file column)");
      if (o.table.empty()) throw Error(ExitCode::config, o.origin + ": no table");
      if (o.column.empty()) throw Error(ExitCode::config, o.origin + ": no column");
      // The cell must be one of a template: a typo is caught before any work.
      std::string why = "no template has a table '" + o.table + "'";
      bool found = false;
      for (const Template &t : templates)
        for (size_t ti = 0; ti < t.tables.size() && !found; ++ti)
          for (size_t k2 = 0; k2 <= t.variants[ti].size() && !found; ++k2) {
            const Table &tab = t.layout(ti, k2);
            if (!same_table(tab, o.table)) continue;
            const CellAt at = find_cell(tab, o);
            if (at.why.empty())
              found = true;
            else
              why = at.why;
          }
      if (!found) throw Error(ExitCode::config, o.origin + ": " + why);
      const auto key = std::make_tuple(o.file, o.table, o.row, o.column);
      if (const auto it = seen.find(key); it != seen.end()) {
        if (out.items_[it->second].origin.rfind(name + ":", 0) == 0)
          throw Error(ExitCode::config,
                      o.origin + ": the same cell as line " + out.items_[it->second].origin.substr(name.size() + 1));
        out.items_[it->second] = std::move(o);  // a later file wins
        continue;
      }
      seen.emplace(key, out.items_.size());
      out.items_.push_back(std::move(o));
    }
    out.files_.push_back(file);
  }
  for (size_t i = 0; i < out.items_.size(); ++i) out.by_file_[out.items_[i].file].push_back(i);
  return out;
}

std::vector<const Override *> Overrides::for_file(std::string_view file) const {
  std::vector<const Override *> out;
  if (const auto it = by_file_.find(file); it != by_file_.end())
    for (const size_t i : it->second) out.push_back(&items_[i]);
  return out;
}

std::string Overrides::digest(std::string_view file) const {
  std::string d;
  for (const Override *o : for_file(file)) {
    for (const std::string *f : {&o->table, &o->row, &o->column, &o->value, &o->note}) {
      d += *f;
      d += '\x1f';
    }
    d += '\x1e';
  }
  return d;
}

void apply_overrides(Mapping &m, const std::vector<const Override *> &rows) {
  for (const Override *o : rows) {
    const std::string cell = o->table + " | " + o->row + " | " + o->column;
    if (m.tmpl == nullptr) {
      m.findings.push_back(
          {"warning", "override-not-applied",
           o->origin + ": no template recognised in this report; the correction of " + cell + " is not applied", 0,
           true});
      continue;
    }
    Record *hit = nullptr;
    std::string why = "this report has no table '" + o->table + "' (" + m.tmpl->id + ")";
    for (size_t ti = 0; ti < m.tables.size() && hit == nullptr; ++ti) {
      const Table &tab = *m.tables[ti];
      if (!same_table(tab, o->table)) continue;
      if (!m.table_seen[ti]) {
        why = "table " + tab.name + " was not found in this report";
        break;
      }
      const CellAt at = find_cell(tab, *o);
      if (!at.why.empty()) {
        why = at.why + " in this report's layout (" + tab.variant + ")";
        break;
      }
      for (Record &r : m.records)
        if (r.cell.table == ti && r.cell.section == at.section && r.cell.row == at.row && r.cell.column == at.column)
          hit = &r;
    }
    if (hit == nullptr) {
      m.findings.push_back({"warning", "override-not-applied", o->origin + ": " + why + "; not applied", 0, true});
      continue;
    }
    if (hit->placement != Placement::override_) {  // (two rows for one cell in other spellings: the later wins)
      hit->had_read = hit->placement != Placement::absent;
      hit->read = hit->had_read ? hit->value.raw : std::string();
    }
    hit->value = parse_cell(o->value);
    hit->placement = Placement::override_;
    hit->note = o->note;
    hit->origin = o->origin;
    m.findings.push_back({"info", "override",
                          o->origin + ": " + cell + " set to '" + o->value + "'" +
                              (hit->had_read ? " (read: '" + hit->read + "')" : " (absent from the source)") +
                              (o->note.empty() ? "" : ": " + o->note),
                          hit->first_line, false});
  }
}

}  // namespace docpipe::templates
