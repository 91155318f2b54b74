#include "templates/hints.hpp"

#include <functional>
#include <pugixml.hpp>
#include <sstream>

namespace docpipe::templates {
namespace {

// The one place that reads the Template struct for the hints: every layout
// of every table a template declares, the template's own (named after the
// template) and then its variants (named after the format they follow).
void for_each_table_variant(const Template &t, const std::function<void(const Table &, const std::string &)> &f) {
  for (size_t ti = 0; ti < t.tables.size(); ++ti) {
    f(t.tables[ti], t.id);
    if (ti < t.variants.size())
      for (const Table &v : t.variants[ti]) f(v, v.variant);
  }
}

void add_keys(pugi::xml_node n, const std::vector<std::string> &keys) {
  for (const auto &k : keys) n.append_child("key").text().set(k.c_str());
}

void add_table(pugi::xml_node root, const Template &t, const Table &table, const std::string &variant) {
  pugi::xml_node tn = root.append_child("table");
  tn.append_attribute("template") = t.id.c_str();
  tn.append_attribute("variant") = variant.c_str();
  tn.append_attribute("id") = table.id.c_str();
  tn.append_attribute("name") = table.name.c_str();
  tn.append_attribute("values") = table.values_at_end ? "end" : "start";
  for (const auto &h : table.header_labels) tn.append_child("header-label").text().set(h.c_str());
  for (const Section &s : table.sections) {
    pugi::xml_node sn = tn.append_child("section");
    sn.append_attribute("label") = s.label.c_str();
    for (const Column &c : s.columns) {
      pugi::xml_node cn = sn.append_child("column");
      for (const auto &l : c.labels) cn.append_child("label").text().set(l.c_str());
      add_keys(cn, c.keys);
    }
    for (const Row &r : s.rows) {
      pugi::xml_node rn = sn.append_child("row");
      // A section's label is the first level of its rows' paths: the section
      // element says it already.
      const size_t first = s.label.empty() ? 0 : 1;
      for (size_t i = first; i + 1 < r.labels.size(); ++i) rn.append_child("group").text().set(r.labels[i].c_str());
      rn.append_child("label").text().set(r.labels.empty() ? "" : r.labels.back().c_str());
      add_keys(rn, r.keys);
    }
  }
}

}  // namespace

std::string shape_hints_xml(const std::vector<Template> &templates) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("shape-hints");
  root.append_attribute("version") = 1;
  for (const Template &t : templates)
    for_each_table_variant(t,
                           [&](const Table &table, const std::string &variant) { add_table(root, t, table, variant); });
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

}  // namespace docpipe::templates
