#include "across/crossyear.hpp"

#include <algorithm>
#include <cmath>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <tuple>
#include <unordered_set>

#include "error.hpp"
#include "templates/values.hpp"
#include "util/files.hpp"

namespace docpipe::across {
namespace {

using templates::Section;
using templates::Table;
using templates::Template;

std::string key_of(std::string_view table, std::string_view row, std::string_view column) {
  std::string k(table);
  k.append("\x1f").append(row).append("\x1f").append(column);
  return k;
}

// Does any layout of table `table` in any template have this cell?
bool cell_exists(const std::vector<Template> &templates, const std::string &table, const std::string &row,
                 const std::string &column) {
  for (const Template &t : templates)
    for (size_t ti = 0; ti < t.tables.size(); ++ti)
      for (size_t k = 0; k <= t.variants[ti].size(); ++k) {
        const Table &tab = t.layout(ti, k);
        if (tab.id != table) continue;
        for (const Section &s : tab.sections) {
          const bool r = std::any_of(s.rows.begin(), s.rows.end(), [&](const auto &x) { return x.id == row; });
          const bool c = std::any_of(s.columns.begin(), s.columns.end(), [&](const auto &x) { return x.id == column; });
          if (r && c) return true;
        }
      }
  return false;
}

struct Reader {
  const Template &t;
  std::string text;  // the file, for line numbers

  [[noreturn]] void fail(const pugi::xml_node &n, const std::string &why) const {
    const auto off = static_cast<size_t>(std::max<ptrdiff_t>(0, n.offset_debug()));
    const size_t line =
        1 + static_cast<size_t>(std::count(text.begin(), text.begin() + std::min(off, text.size()), '\n'));
    throw Error(ExitCode::config, t.file.string() + ":" + std::to_string(line) + ": <" + n.name() + ">: " + why);
  }

  std::vector<XTerm> side(const pugi::xml_node &s, const pugi::xml_node &decl) const {
    if (!s) fail(decl, "needs <expected> and <actual>");
    std::vector<XTerm> out;
    for (auto term : s.children()) {
      if (std::string_view(term.name()) != "term") fail(term, "only <term> elements are allowed here");
      XTerm x{term.attribute("row").as_string(), term.attribute("column").as_string(), false, false};
      const std::string year = term.attribute("year").as_string("this");
      const std::string sign = term.attribute("sign").as_string("+");
      if (year != "this" && year != "previous") fail(term, "year must be this or previous, not '" + year + "'");
      if (sign != "+" && sign != "-") fail(term, "sign must be + or -, not '" + sign + "'");
      x.previous = year == "previous";
      x.minus = sign == "-";
      out.push_back(x);
    }
    if (out.empty()) fail(s, "a side needs at least one <term>");
    return out;
  }
};

}  // namespace

std::vector<Declaration> load_declarations(const std::vector<Template> &templates) {
  std::vector<Declaration> out;
  for (const Template &t : templates) {
    Reader rd{t, {}};
    if (read_whole_file(t.file, rd.text) != 0) continue;  // the template loader read it: nothing to declare
    pugi::xml_document doc;
    if (!doc.load_buffer(rd.text.data(), rd.text.size())) continue;  // (the loader reports malformed files)
    for (auto x : doc.child("template").children("cross-year")) {
      Declaration d;
      d.id = x.attribute("id").as_string();
      d.template_id = t.id;
      d.table = x.attribute("table").as_string();
      d.per = x.attribute("per").as_string("once");
      d.note = x.attribute("note").as_string();
      d.previous_template = x.attribute("previous-template").as_string();
      if (d.id.empty()) rd.fail(x, "needs an id");
      const auto tab =
          std::find_if(t.tables.begin(), t.tables.end(), [&](const Table &tb) { return tb.id == d.table; });
      if (tab == t.tables.end()) rd.fail(x, "table '" + d.table + "' is not a table of " + t.id);
      if (d.per != "column" && d.per != "row" && d.per != "once")
        rd.fail(x, "per must be column, row or once, not '" + d.per + "'");
      d.expected = rd.side(x.child("expected"), x);
      d.actual = rd.side(x.child("actual"), x);
      if (!std::any_of(d.actual.begin(), d.actual.end(), [](const XTerm &a) { return !a.previous; }) &&
          !std::any_of(d.expected.begin(), d.expected.end(), [](const XTerm &a) { return !a.previous; }))
        rd.fail(x, "no term of this year's report");
      if (!std::any_of(d.actual.begin(), d.actual.end(), [](const XTerm &a) { return a.previous; }) &&
          !std::any_of(d.expected.begin(), d.expected.end(), [](const XTerm &a) { return a.previous; }))
        rd.fail(x, "no term of the previous year's report (year=\"previous\")");
      std::vector<const XTerm *> all;
      for (const auto &a : d.expected) all.push_back(&a);
      for (const auto &a : d.actual) all.push_back(&a);
      // Instances from the template's own layout: per column, the columns of
      // the sections holding every row named; per row, the rows of the
      // sections holding every column named.
      std::set<std::pair<std::string, std::string>> seen;
      for (const Section &s : tab->sections) {
        auto has_row = [&](const std::string &id) {
          return id.empty() || std::any_of(s.rows.begin(), s.rows.end(), [&](const auto &r) { return r.id == id; });
        };
        auto has_col = [&](const std::string &id) {
          return id.empty() ||
                 std::any_of(s.columns.begin(), s.columns.end(), [&](const auto &c) { return c.id == id; });
        };
        if (!std::all_of(all.begin(), all.end(), [&](const XTerm *a) { return has_row(a->row) && has_col(a->column); }))
          continue;
        if (d.per == "column") {
          for (const auto &c : s.columns)
            if (seen.insert({"", c.id}).second) d.instances.push_back({"", c.id});
        } else if (d.per == "row") {
          for (const auto &r : s.rows)
            if (seen.insert({r.id, ""}).second) d.instances.push_back({r.id, ""});
        } else if (seen.insert({"", ""}).second) {
          d.instances.push_back({"", ""});
        }
      }
      if (d.instances.empty())
        rd.fail(x, "no section of table '" + d.table + "' in " + t.id + " has every row and column named");
      for (const XTerm *a : all) {
        if ((d.per != "row" && a->row.empty()) || (d.per != "column" && a->column.empty()))
          rd.fail(x, "a <term> without " + std::string(a->row.empty() ? "row" : "column") + " needs per=\"" +
                         (a->row.empty() ? "row" : "column") + "\"");
        for (const auto &[ir, ic] : d.instances) {
          const std::string r = a->row.empty() ? ir : a->row, c = a->column.empty() ? ic : a->column;
          if (!cell_exists(templates, d.table, r, c))
            rd.fail(x, "no template has the cell " + d.table + "/" + r + "/" + c);
        }
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

namespace {
// The cells the declarations read, as key_of(table, row, column) ids.
std::unordered_set<std::string> read_cells(const std::vector<Declaration> &declarations) {
  std::unordered_set<std::string> wanted;
  for (const Declaration &d : declarations)
    for (const auto *side : {&d.expected, &d.actual})
      for (const XTerm &a : *side)
        for (const auto &[ir, ic] : d.instances)
          wanted.insert(key_of(d.table, a.row.empty() ? ir : a.row, a.column.empty() ? ic : a.column));
  return wanted;
}
}  // namespace

std::vector<Cell> referenced_cells(const templates::Mapping &m, const std::vector<Declaration> &declarations) {
  std::vector<Cell> out;
  if (m.tmpl == nullptr || declarations.empty()) return out;
  const std::unordered_set<std::string> wanted = read_cells(declarations);
  for (const templates::Record &r : m.records) {
    if (r.placement == templates::Placement::absent || r.cell.table >= m.tables.size()) continue;
    const Table &tab = *m.tables[r.cell.table];
    const Section &s = tab.sections[r.cell.section];
    const auto &row = s.rows[r.cell.row];
    const auto &col = s.columns[r.cell.column];
    if (wanted.count(key_of(tab.id, row.id, col.id)) == 0) continue;
    out.push_back({tab.id, row.id, col.id, tab.name + " / " + row.path + " / " + col.path, r.value.raw,
                   templates::state_name(r.value.state), r.value.number, r.first_line});
  }
  return out;
}

namespace {
std::string label_key(std::string_view tmpl, std::string_view table, std::string_view row, std::string_view column) {
  std::string k(tmpl);
  k.append("\x1f").append(table).append("\x1f").append(row).append("\x1f").append(column);
  return k;
}
}  // namespace

ReferencedLabels::ReferencedLabels(const std::vector<Template> &templates,
                                   const std::vector<Declaration> &declarations) {
  const std::unordered_set<std::string> wanted = read_cells(declarations);
  for (const Template &t : templates)
    for (size_t ti = 0; ti < t.tables.size(); ++ti)
      for (size_t k = 0; k <= t.variants[ti].size(); ++k) {
        const Table &tab = t.layout(ti, k);
        for (const Section &s : tab.sections)
          for (const auto &row : s.rows)
            for (const auto &col : s.columns) {
              // Every cell's labels, read or not: the first layout naming them decides.
              auto [it, fresh] = ids_.try_emplace(label_key(t.id, tab.name, row.path, col.path));
              if (fresh && wanted.count(key_of(tab.id, row.id, col.id)) > 0) {
                it->second = {tab.id, row.id, col.id};
                rows_.insert(row.path);
              }
            }
      }
  std::erase_if(ids_, [](const auto &kv) { return kv.second.table.empty(); });
}

const ReferencedLabels::Ids *ReferencedLabels::find(std::string_view template_id, std::string_view table,
                                                    std::string_view row, std::string_view column) const {
  thread_local std::string key;
  key.assign(template_id).append("\x1f").append(table).append("\x1f").append(row).append("\x1f").append(column);
  const auto it = ids_.find(key);
  return it == ids_.end() ? nullptr : &it->second;
}

namespace {

const Cell *find_cell(const Report &r, const std::string &table, const std::string &row, const std::string &column) {
  for (const Cell &c : r.cells)
    if (c.table == table && c.row == row && c.column == column) return &c;
  return nullptr;
}

std::string describe(const Cell &c) {
  std::string s = c.label + " = " + (c.value.empty() ? "(blank)" : c.value);
  if (c.line > 0) s += " (line " + std::to_string(c.line) + ")";
  return s;
}

void append(std::string &list, const std::string &item) { list += (list.empty() ? "" : "; ") + item; }

void check_pair(const Report &prev, const Report &cur, const std::vector<Declaration> &declarations,
                std::vector<Finding> &out) {
  for (const Declaration &d : declarations) {
    if (d.template_id != cur.template_id) continue;
    if (!d.previous_template.empty() && d.previous_template != prev.template_id) continue;
    for (const auto &[ir, ic] : d.instances) {
      Finding f;
      f.agency_key = cur.agency_key;
      f.identity = d.id;
      f.previous_file = prev.relpath;
      f.previous_year = prev.year;
      f.file = cur.relpath;
      f.year = cur.year;
      double sums[2] = {0, 0};
      std::string missing;
      bool checkable = true;
      std::string instance;
      int side_index = 0;
      for (const auto *side : {&d.expected, &d.actual}) {
        for (const XTerm &a : *side) {
          const std::string row = a.row.empty() ? ir : a.row, col = a.column.empty() ? ic : a.column;
          const Report &r = a.previous ? prev : cur;
          const Cell *c = find_cell(r, d.table, row, col);
          std::string &cells = a.previous ? f.previous_cells : f.cells;
          if (c == nullptr) {
            append(cells, d.table + "/" + row + "/" + col + " absent");
            append(missing, (a.previous ? prev.year : cur.year) + " " + d.table + "/" + row + "/" + col +
                                " is absent from the report");
            checkable = false;
            continue;
          }
          if (instance.empty() && !a.previous) {
            // The instance as this year's layout names it: the row's or the column's own label.
            const size_t last = c->label.rfind(" / "), before = c->label.rfind(" / ", last - 1);
            std::string path = d.per == "column" ? c->label.substr(last + 3)
                               : d.per == "row"  ? c->label.substr(before + 3, last - before - 3)
                                                 : "";
            instance = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
          }
          append(cells, describe(*c));
          if (c->state != "number") {
            append(missing, (a.previous ? prev.year : cur.year) + " " + c->label + " is " +
                                (c->state == "blank" ? "blank" : c->state + " '" + c->value + "'"));
            checkable = false;
            continue;
          }
          const double v = std::stod(c->number);
          sums[side_index] += a.minus ? -v : v;
        }
        ++side_index;
      }
      f.instance = instance;
      if (!checkable) {
        f.kind = "not-checkable";
        f.note = missing + " (a blank is not 0)";
        out.push_back(std::move(f));
        continue;
      }
      if (std::fabs(sums[0] - sums[1]) <= 1e-9 * std::max(1.0, std::fabs(sums[0]))) continue;
      f.kind = "fail";
      f.expected = templates::format_number(sums[0]);
      f.actual = templates::format_number(sums[1]);
      f.note = d.note;
      out.push_back(std::move(f));
    }
  }
}

}  // namespace

std::vector<Finding> check(std::vector<Report> &reports, const std::vector<Declaration> &declarations) {
  std::vector<Finding> out;
  auto year_of = [](const Report &r) { return std::stoi(r.year); };
  reports.erase(std::remove_if(reports.begin(), reports.end(),
                               [](const Report &r) {
                                 return r.agency_key.empty() || r.year.size() != 4 ||
                                        !std::all_of(r.year.begin(), r.year.end(), ::isdigit);
                               }),
                reports.end());
  std::sort(reports.begin(), reports.end(), [&](const Report &a, const Report &b) {
    if (a.agency_key != b.agency_key) return a.agency_key < b.agency_key;
    if (a.year != b.year) return year_of(a) < year_of(b);
    return a.relpath < b.relpath;
  });
  for (size_t g = 0; g < reports.size();) {
    size_t e = g;
    while (e < reports.size() && reports[e].agency_key == reports[g].agency_key) ++e;
    // [g, e): one agency, by year. Runs of one year: [y0, y1).
    const Report *prev = nullptr;  // the single report of the year before, if any
    bool prev_duplicate = false;
    int prev_year = 0;
    for (size_t y0 = g; y0 < e;) {
      size_t y1 = y0 + 1;
      while (y1 < e && reports[y1].year == reports[y0].year) ++y1;
      const int year = year_of(reports[y0]);
      const bool duplicate = y1 - y0 > 1;
      if (duplicate)
        for (size_t k = y0 + 1; k < y1; ++k) {
          Finding f;
          f.kind = "duplicate";
          f.agency_key = reports[y0].agency_key;
          f.previous_file = reports[y0].relpath;
          f.previous_year = f.year = reports[y0].year;
          f.file = reports[k].relpath;
          f.note = "two reports of one agency and year: neither is checked against the years around it";
          out.push_back(std::move(f));
        }
      if (prev_year != 0 && year - prev_year > 1) {
        Finding f;
        f.kind = "gap";
        f.agency_key = reports[y0].agency_key;
        f.previous_file = reports[y0 - 1].relpath;
        f.previous_year = std::to_string(prev_year);
        f.file = reports[y0].relpath;
        f.year = reports[y0].year;
        f.note = "no report for " +
                 (year - prev_year == 2 ? std::to_string(prev_year + 1)
                                        : std::to_string(prev_year + 1) + "-" + std::to_string(year - 1)) +
                 ": the years around it are not checked against each other";
        out.push_back(std::move(f));
      } else if (prev_year != 0 && !duplicate && !prev_duplicate) {
        check_pair(*prev, reports[y0], declarations, out);
      }
      prev = &reports[y0];
      prev_duplicate = duplicate;
      prev_year = year;
      y0 = y1;
    }
    g = e;
  }
  return out;
}

std::vector<Finding> alias_hints(const std::vector<Report> &reports) {
  std::map<std::string, KeyFirst> first;  // key -> its first report (by year, then file)
  for (const Report &r : reports) {
    if (r.agency_key.empty()) continue;
    auto [it, fresh] = first.try_emplace(r.agency_key, KeyFirst{r.agency_key, r.relpath, r.year});
    if (!fresh && std::tie(r.year, r.relpath) < std::tie(it->second.year, it->second.relpath))
      it->second = {r.agency_key, r.relpath, r.year};
  }
  return alias_hints(
      [&](const KeyVisit &visit) {
        for (const auto &[key, f] : first) visit(f);
      },
      [&](const std::string &key) -> std::optional<KeyFirst> {
        const auto it = first.find(key);
        if (it == first.end()) return std::nullopt;
        return it->second;
      });
}

std::vector<Finding> alias_hints(const std::function<void(const KeyVisit &)> &each_key,
                                 const std::function<std::optional<KeyFirst>(const std::string &)> &first_of) {
  static const std::u32string units = U"省市州盟县区旗";
  // (K, the first report of a key L that ends with K), L ascending.
  std::vector<std::pair<std::string, KeyFirst>> ends;
  each_key([&](const KeyFirst &l) {
    const std::u32string u = sdk::to_u32(l.agency_key);
    for (size_t i = 0; i + 1 < u.size(); ++i)
      if (units.find(u[i]) != std::u32string::npos)
        if (std::string k = sdk::to_utf8(u.substr(i + 1)); first_of(k)) ends.emplace_back(std::move(k), l);
  });
  // By K, each K's keys L still ascending.
  std::stable_sort(ends.begin(), ends.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<Finding> out;
  for (size_t i = 0; i < ends.size();) {
    size_t j = i;
    while (j < ends.size() && ends[j].first == ends[i].first) ++j;
    const std::string &k = ends[i].first;
    const KeyFirst kf = *first_of(k);
    const KeyFirst &lf = ends[i].second;
    Finding f;
    f.kind = "possible-alias";
    f.agency_key = k;
    f.file = kf.relpath;
    f.year = kf.year;
    f.previous_file = lf.relpath;
    f.previous_year = lf.year;
    if (j - i == 1) {
      f.note = "'" + lf.agency_key + "' ends with this agency's name: if they are one agency, add the line " + k + "," +
               lf.agency_key + " to the aliases file (--agency-aliases); they are not joined otherwise";
    } else {
      std::string all;
      for (size_t m = i; m < j; ++m) all += (all.empty() ? "'" : ", '") + ends[m].second.agency_key + "'";
      f.note = all + " end with this agency's name: which one it is, only the aliases file can say";
    }
    out.push_back(std::move(f));
    i = j;
  }
  return out;
}

void print_findings(const std::vector<Finding> &findings, std::ostream &out) {
  std::map<std::string, size_t> n;
  for (const Finding &f : findings) n[f.kind]++;
  out << "cross-year: " << n["fail"] << " failures, " << n["gap"] << " gaps, " << n["duplicate"] << " duplicates, "
      << n["not-checkable"] << " not checkable, " << n["possible-alias"] << " possible aliases\n";
  for (const Finding &f : findings) {
    const std::string prev = sdk::escape_bytes(f.previous_file) + " (" + f.previous_year + ")";
    const std::string cur = sdk::escape_bytes(f.file) + " (" + f.year + ")";
    if (f.kind == "fail")
      out << "  cross-year FAIL " << f.agency_key << ": " << f.identity << (f.instance.empty() ? "" : " " + f.instance)
          << ": " << cur << " [" << f.cells << "] against " << prev << " [" << f.previous_cells << "]: expected "
          << f.expected << ", actual " << f.actual << "\n";
    else if (f.kind == "possible-alias")
      out << "  cross-year possible alias " << f.agency_key << ": " << f.note << "\n";
    else if (f.kind == "gap" || f.kind == "duplicate")
      out << "  cross-year " << f.kind << " " << f.agency_key << ": " << prev << ", " << cur << ": " << f.note << "\n";
  }
}

const std::vector<std::string> &finding_columns() {
  static const std::vector<std::string> c = {"kind",          "agency",         "identity", "instance", "previous file",
                                             "previous year", "previous cells", "file",     "year",     "cells",
                                             "expected",      "actual",         "note"};
  return c;
}

std::vector<std::string> finding_fields(const Finding &f) {
  return {f.kind, f.agency_key, f.identity, f.instance, f.previous_file, f.previous_year, f.previous_cells,
          f.file, f.year,       f.cells,    f.expected, f.actual,        f.note};
}

}  // namespace docpipe::across
