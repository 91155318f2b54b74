#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/shape_hints.hpp>
#include <pugixml.hpp>

namespace docpipe::sdk {
namespace {

std::vector<std::string> texts(const pugi::xml_node &n, const char *child) {
  std::vector<std::string> out;
  for (auto c : n.children(child)) out.emplace_back(c.text().as_string());
  return out;
}

}  // namespace

ShapeHints parse_shape_hints(std::string_view xml) {
  ShapeHints hints;
  if (xml.empty()) return hints;
  pugi::xml_document doc;
  const auto r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r)
    throw Error(DOCPIPE_ERR_INTERNAL,
                std::string("shape hints do not parse: ") + r.description() + " at byte " + std::to_string(r.offset));
  const pugi::xml_node root = doc.child("shape-hints");
  if (!root || root.attribute("version").as_int() != 1)
    throw Error(DOCPIPE_ERR_INTERNAL, "shape hints: the root must be <shape-hints version=\"1\">");
  for (auto t : root.children("table")) {
    HintTable table;
    table.template_id = t.attribute("template").as_string();
    table.variant = t.attribute("variant").as_string();
    table.id = t.attribute("id").as_string();
    table.name = t.attribute("name").as_string();
    table.values_at_end = std::string_view(t.attribute("values").as_string("end")) == "end";
    table.header_labels = texts(t, "header-label");
    for (auto s : t.children("section")) {
      HintSection section;
      section.label = s.attribute("label").as_string();
      for (auto c : s.children("column")) section.columns.push_back({texts(c, "label"), texts(c, "key")});
      for (auto r : s.children("row"))
        section.rows.push_back({texts(r, "group"), r.child("label").text().as_string(), texts(r, "key")});
      if (section.columns.empty() || section.rows.empty())
        throw Error(DOCPIPE_ERR_INTERNAL, "shape hints: table " + table.id + " has a section without columns or rows");
      table.sections.push_back(std::move(section));
    }
    hints.tables.push_back(std::move(table));
  }
  return hints;
}

}  // namespace docpipe::sdk
