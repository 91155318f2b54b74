#include "templates/template.hpp"

#include <algorithm>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <pugixml.hpp>
#include <set>

#include "error.hpp"
#include "templates/labels.hpp"

namespace docpipe::templates {
namespace fs = std::filesystem;

namespace {

// A <group> is a column group when it holds columns at any depth, else a row group.
bool holds_columns(const pugi::xml_node &n) {
  for (auto c : n.children()) {
    const std::string name = c.name();
    if (name == "column" || (name == "group" && holds_columns(c))) return true;
  }
  return false;
}

struct Loader {
  const fs::path &file;
  std::vector<std::string> group_keys;  // column group labels of the table being read

  [[noreturn]] void fail(const pugi::xml_node &node, const std::string &why) const {
    throw Error(ExitCode::config, file.string() + ": <" + std::string(node.name()) + "> at byte " +
                                      std::to_string(node.offset_debug()) + ": " + why);
  }

  std::vector<std::string> keys_of(const pugi::xml_node &n, const std::string &label) const {
    std::vector<std::string> keys{label_key(label)};
    for (auto v : n.children("variant")) keys.push_back(label_key(v.text().as_string()));
    return keys;
  }

  static std::string join(const std::vector<std::string> &levels, const std::string &leaf) {
    std::string out;
    for (const auto &l : levels) out += l + "/";
    return out + leaf;
  }

  // Collects the columns below `node` (nested <group>s add path levels;
  // their labels' keys go to group_keys).
  void columns(const pugi::xml_node &node, std::vector<std::string> &levels, Section &s) {
    for (auto c : node.children()) {
      const std::string name = c.name();
      if (name == "column") {
        Column col;
        col.id = c.attribute("id").as_string();
        const std::string label = c.attribute("label").as_string();
        if (col.id.empty() || label.empty()) fail(c, "a column needs an id and a label");
        col.path = join(levels, label);
        col.labels = levels;
        col.labels.push_back(label);
        col.keys = keys_of(c, label);
        col.key = col.keys.front();
        col.role = c.attribute("role").as_string();
        col.unit = c.attribute("unit").as_string();
        s.columns.push_back(std::move(col));
      } else if (name == "group" && holds_columns(c)) {
        levels.push_back(c.attribute("label").as_string());
        group_keys.push_back(label_key(levels.back()));
        columns(c, levels, s);
        levels.pop_back();
      }
    }
  }

  void rows(const pugi::xml_node &node, std::vector<std::string> &levels, std::vector<std::string> &anc_keys,
            Section &s) const {
    for (auto r : node.children()) {
      const std::string name = r.name();
      if (name == "row") {
        Row row;
        row.id = r.attribute("id").as_string();
        const std::string label = r.attribute("label").as_string();
        if (row.id.empty()) fail(r, "a row needs an id");
        row.path = join(levels, label);
        row.labels = levels;
        row.labels.push_back(label);
        if (label.empty() && levels.empty()) row.path = "";
        row.ancestor_keys = anc_keys;
        row.keys = keys_of(r, label);
        for (const auto &k : row.keys) row.keys32.push_back(sdk::to_u32(k));
        row.role = r.attribute("role").as_string();
        s.rows.push_back(std::move(row));
      } else if (name == "group" && !holds_columns(r)) {
        const std::string label = r.attribute("label").as_string();
        levels.push_back(label);
        anc_keys.push_back(label_key(label));
        rows(r, levels, anc_keys, s);
        levels.pop_back();
        anc_keys.pop_back();
      }
    }
  }

  std::vector<Term> terms(const pugi::xml_node &side) const {
    std::vector<Term> out;
    for (auto t : side.children()) {
      Term term{t.attribute("row").as_string(), t.attribute("column").as_string(), t.attribute("role").as_string()};
      if (std::string(t.name()) == "terms" && term.role.empty()) fail(t, "<terms> needs a role");
      out.push_back(term);
    }
    if (out.empty()) fail(side, "an identity side needs at least one term");
    return out;
  }

  Table table(const pugi::xml_node &t) {
    Table table;
    table.id = t.attribute("id").as_string();
    table.name = t.attribute("name").as_string();
    table.variant = t.attribute("variant").as_string();
    const std::string values = t.attribute("values").as_string("end");
    if (values != "start" && values != "end") fail(t, "values must be start or end");
    table.values_at_end = values == "end";
    for (auto h : t.children("header-label")) {
      table.header_labels.emplace_back(h.text().as_string());
      table.header_keys.push_back(label_key(table.header_labels.back()));
      const std::string_view print = h.attribute("print").as_string();
      if (print == "corner") table.corner = table.header_labels.back();
      if (print == "band") table.band = table.header_labels.back();
    }
    std::vector<std::string> levels, anc;
    if (t.child("section")) {
      for (auto sec : t.children("section")) {
        Section s;
        s.label = sec.attribute("label").as_string();
        s.key = label_key(s.label);
        columns(sec, levels, s);
        levels = {s.label};
        anc = {s.key};
        rows(sec, levels, anc, s);
        levels.clear();
        anc.clear();
        table.sections.push_back(std::move(s));
      }
    } else {
      Section s;
      columns(t, levels, s);
      rows(t, levels, anc, s);
      table.sections.push_back(std::move(s));
    }
    for (const auto &s : table.sections)
      if (s.columns.empty() || s.rows.empty()) fail(t, "section '" + s.label + "' needs rows and columns");
    table.all_header_keys = table.header_keys;
    for (const auto &s : table.sections)
      for (const auto &c : s.columns)
        table.all_header_keys.insert(table.all_header_keys.end(), c.keys.begin(), c.keys.end());
    table.all_header_keys.insert(table.all_header_keys.end(), group_keys.begin(), group_keys.end());
    group_keys.clear();
    for (auto id : t.children("identity")) {
      Identity i;
      i.id = id.attribute("id").as_string();
      i.per = id.attribute("per").as_string();
      i.note = id.attribute("note").as_string();
      if (i.per != "column" && i.per != "row" && i.per != "once") fail(id, "per must be column, row or once");
      if (table.sections.size() != 1) fail(id, "identities are only supported in tables without sections");
      i.expected = terms(id.child("expected"));
      i.actual = terms(id.child("actual"));
      table.identities.push_back(std::move(i));
    }
    // Counting sort of the row keys by their last byte (stable: table order within a byte).
    std::array<uint32_t, 257> count{};
    for (const auto &s : table.sections)
      for (const auto &r : s.rows)
        for (const auto &k : r.keys)
          if (!k.empty()) ++count[static_cast<unsigned char>(k.back()) + 1u];
    for (size_t b = 0; b < 256; ++b) count[b + 1] += count[b];
    table.row_keys_from = count;
    table.row_keys_by_end.resize(count[256]);
    for (uint32_t si = 0; si < table.sections.size(); ++si)
      for (uint32_t ri = 0; ri < table.sections[si].rows.size(); ++ri)
        for (uint32_t ki = 0; ki < table.sections[si].rows[ri].keys.size(); ++ki)
          if (const std::string &k = table.sections[si].rows[ri].keys[ki]; !k.empty())
            table.row_keys_by_end[count[static_cast<unsigned char>(k.back())]++] = {si, ri, ki};
    // Row label keys must be unique in a table, or a source row could match two.
    std::map<std::string, std::string> seen;
    for (const auto &s : table.sections)
      for (const auto &r : s.rows)
        for (const auto &k : r.keys) {
          if (k.empty()) continue;
          auto [it, fresh] = seen.emplace(k, r.path);
          if (!fresh) fail(t, "rows '" + it->second + "' and '" + r.path + "' have the same label key '" + k + "'");
        }
    return table;
  }
};

}  // namespace

size_t Template::cell_count() const {
  size_t n = 0;
  for (const auto &t : tables)
    for (const auto &s : t.sections) n += s.rows.size() * s.columns.size();
  return n;
}

Template load_template(const fs::path &file) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r = doc.load_file(file.c_str());
  if (!r)
    throw Error(ExitCode::config,
                file.string() + ": not a template: " + r.description() + " at byte " + std::to_string(r.offset));
  const pugi::xml_node root = doc.child("template");
  Loader loader{file, {}};
  if (!root) loader.fail(doc.first_child(), "the root element must be <template>");
  Template t;
  t.file = file;
  t.id = root.attribute("id").as_string();
  t.title = root.attribute("title").as_string();
  t.first_year = root.attribute("first-year").as_int();
  t.last_year = root.attribute("last-year").as_int();
  if (t.id.empty()) loader.fail(root, "a template needs an id");
  for (auto tab : root.children("table")) {
    Table table = loader.table(tab);
    const auto same = std::find_if(t.tables.begin(), t.tables.end(), [&](const Table &o) { return o.id == table.id; });
    if (same == t.tables.end()) {
      if (!table.variant.empty() && table.variant != t.id)
        loader.fail(tab, "the first table '" + table.id + "' is the format's own layout: no variant attribute");
      table.variant = t.id;
      t.tables.push_back(std::move(table));
      t.variants.emplace_back();
      continue;
    }
    auto &others = t.variants[static_cast<size_t>(same - t.tables.begin())];
    if (table.variant.empty() || table.variant == t.id ||
        std::any_of(others.begin(), others.end(), [&](const Table &o) { return o.variant == table.variant; }))
      loader.fail(tab, "table '" + table.id + "' is given again: it needs a variant attribute of its own");
    if (table.name != same->name) loader.fail(tab, "a variant of table '" + table.id + "' must keep its name");
    others.push_back(std::move(table));
  }
  if (t.tables.empty()) loader.fail(root, "a template needs tables");
  for (size_t ti = 0; ti < t.tables.size(); ++ti)
    for (const auto &k : t.tables[ti].all_header_keys) {
      auto &tables = t.header_key_tables[k];
      if (tables.empty() || tables.back() != ti) tables.push_back(ti);
    }
  std::vector<Template> one;  // the foreign header keys of the file's own variants
  one.push_back(std::move(t));
  link_layouts(one);
  return std::move(one.front());
}

void link_layouts(std::vector<Template> &templates) {
  std::map<std::string, std::set<std::string>> keys_of_id;  // table id -> every header key of its layouts
  for (const Template &t : templates)
    for (size_t ti = 0; ti < t.tables.size(); ++ti)
      for (size_t k = 0; k <= t.variants[ti].size(); ++k) {
        const Table &tab = t.layout(ti, k);
        keys_of_id[tab.id].insert(tab.all_header_keys.begin(), tab.all_header_keys.end());
      }
  for (Template &t : templates)
    for (size_t ti = 0; ti < t.tables.size(); ++ti)
      for (size_t k = 0; k <= t.variants[ti].size(); ++k) {
        Table &tab = k == 0 ? t.tables[ti] : t.variants[ti][k - 1];
        const std::set<std::string> own(tab.all_header_keys.begin(), tab.all_header_keys.end());
        tab.foreign_header_keys.clear();
        for (const auto &key : keys_of_id[tab.id])
          if (!key.empty() && !own.count(key)) tab.foreign_header_keys.push_back(key);
      }
}

std::vector<Template> load_templates(const fs::path &dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".xml") files.push_back(e.path());
  if (ec) throw Error(ExitCode::config, dir.string() + ": cannot read the templates folder: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Template> out;
  std::set<std::string> ids;
  for (const auto &f : files) {
    out.push_back(load_template(f));
    if (!ids.insert(out.back().id).second) throw Error(ExitCode::config, f.string() + ": duplicate template id");
  }
  link_layouts(out);
  return out;
}

std::vector<std::pair<long, long>> identity_cells(const Table &table, const Identity &identity,
                                                  const std::vector<Term> &terms, long fixed_row, long fixed_col) {
  const Section &sec = table.sections.front();
  const auto row_index = [&](const std::string &id) -> long {
    for (size_t i = 0; i < sec.rows.size(); ++i)
      if (sec.rows[i].id == id) return static_cast<long>(i);
    return -1;
  };
  const auto col_index = [&](const std::string &id) -> long {
    for (size_t i = 0; i < sec.columns.size(); ++i)
      if (sec.columns[i].id == id) return static_cast<long>(i);
    return -1;
  };
  std::vector<std::pair<long, long>> cells;
  for (const Term &t : terms) {
    const long r = t.row.empty() ? fixed_row : row_index(t.row);
    const long c = t.column.empty() ? fixed_col : col_index(t.column);
    if (!t.role.empty()) {
      if (identity.per == "column") {
        for (size_t i = 0; i < sec.rows.size(); ++i)
          if (sec.rows[i].role == t.role) cells.push_back({static_cast<long>(i), c});
      } else {
        for (size_t i = 0; i < sec.columns.size(); ++i)
          if (sec.columns[i].role == t.role) cells.push_back({r, static_cast<long>(i)});
      }
    } else {
      cells.push_back({r, c});
    }
  }
  return cells;
}

}  // namespace docpipe::templates
