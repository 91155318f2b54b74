#include "reader.hpp"

#include <algorithm>
#include <cctype>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <docpipe/sdk/zip.hpp>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

namespace docpipe::docx {
namespace {

constexpr size_t kMaxPartSize = 256u * 1024u * 1024u;  // inflated bytes of one XML part
constexpr std::string_view kWordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr std::string_view kWordNsStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main";

[[noreturn]] void bad_input(const std::string &why) { throw sdk::Error(DOCPIPE_ERR_INPUT, why); }

// WordprocessingML element and attribute names under whatever prefix the
// part binds to the namespace ("w:" nearly always).
class Names {
 public:
  explicit Names(pugi::xml_node root) {
    for (pugi::xml_attribute a : root.attributes()) {
      const std::string_view n = a.name(), v = a.value();
      if (v != kWordNs && v != kWordNsStrict) continue;
      if (n == "xmlns")
        prefix_.clear();
      else if (n.substr(0, 6) == "xmlns:")
        prefix_ = std::string(n.substr(6)) + ":";
      return;
    }
  }
  // The local name of a WordprocessingML element, "" for any other.
  std::string_view local(pugi::xml_node n) const {
    const std::string_view name = n.name();
    if (name.size() <= prefix_.size() || name.substr(0, prefix_.size()) != prefix_) return {};
    const std::string_view rest = name.substr(prefix_.size());
    return rest.find(':') == std::string_view::npos ? rest : std::string_view{};
  }
  bool is(pugi::xml_node n, std::string_view local_name) const {
    return n.type() == pugi::node_element && local(n) == local_name;
  }
  pugi::xml_node child(pugi::xml_node n, std::string_view local_name) const {
    for (pugi::xml_node c : n.children())
      if (is(c, local_name)) return c;
    return {};
  }
  // w:val of the child element, or nullopt when the child is absent.
  std::optional<std::string> val(pugi::xml_node n, std::string_view child_name) const {
    pugi::xml_node c = child(n, child_name);
    if (!c) return std::nullopt;
    return std::string(c.attribute((prefix_ + "val").c_str()).as_string());
  }
  std::string attr(pugi::xml_node n, std::string_view local_name) const {
    return n.attribute((prefix_ + std::string(local_name)).c_str()).as_string();
  }

 private:
  std::string prefix_ = "w:";
};

// A boolean property (<w:tblHeader/>, <w:tblHeader w:val="false"/>).
bool on_off(const std::optional<std::string> &v) { return v && *v != "0" && *v != "false" && *v != "off"; }

std::string lower_ascii(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "heading 3", "Heading3", "标题 3", "标题3" -> 3; "Title" -> 1; else 0.
int level_from_style_name(const std::string &name) {
  std::string n = lower_ascii(name);
  n.erase(std::remove(n.begin(), n.end(), ' '), n.end());
  if (n == "title") return 1;
  for (std::string_view stem : {std::string_view("heading"), std::string_view("标题")}) {
    if (n.size() > stem.size() && n.compare(0, stem.size(), stem) == 0) {
      const std::string digits = n.substr(stem.size());
      if (digits.size() == 1 && digits[0] >= '1' && digits[0] <= '9') return digits[0] - '0';
    }
  }
  return 0;
}

// Heading level of each paragraph style, from word/styles.xml: the style's
// outline level, else its name ("heading N", "标题 N"), else its base style's.
class Styles {
 public:
  Styles() = default;
  Styles(const pugi::xml_document &styles) {
    const pugi::xml_node root = styles.document_element();
    const Names w(root);
    for (pugi::xml_node s : root.children()) {
      if (!w.is(s, "style") || w.attr(s, "type") != "paragraph") continue;
      Style st;
      st.name = w.val(s, "name").value_or("");
      st.based_on = w.val(s, "basedOn").value_or("");
      if (auto o = w.val(w.child(s, "pPr"), "outlineLvl")) st.outline = std::atoi(o->c_str());
      styles_[w.attr(s, "styleId")] = std::move(st);
    }
  }

  int level(const std::string &style_id) const {
    std::string id = style_id;
    for (int depth = 0; depth < 16 && !id.empty(); ++depth) {
      auto it = styles_.find(id);
      if (it == styles_.end()) return depth == 0 ? level_from_style_name(id) : 0;  // no styles part: the id
      const Style &s = it->second;
      if (s.outline >= 0) return s.outline <= 8 ? s.outline + 1 : 0;
      if (const int l = level_from_style_name(s.name); l > 0) return l;
      if (const int l = level_from_style_name(id); l > 0) return l;
      id = s.based_on;
    }
    return 0;
  }

 private:
  struct Style {
    std::string name, based_on;
    int outline = -1;
  };
  std::map<std::string, Style> styles_;
};

class Reader {
 public:
  Reader(const Names &w, const Styles &styles, sdk::RawDocument &doc) : w_(w), styles_(styles), doc_(doc) {}

  void blocks(pugi::xml_node container) {
    for (pugi::xml_node n : container.children()) {
      if (w_.is(n, "p")) {
        paragraph(n);
      } else if (w_.is(n, "tbl")) {
        table(n);
      } else if (w_.is(n, "sdt")) {
        blocks(w_.child(n, "sdtContent"));
      } else if (w_.is(n, "customXml")) {
        blocks(n);
      }
      // w:sectPr, w:bookmarkStart/End, w:proofErr, …: no content
    }
  }

 private:
  // The text of a paragraph: w:t, w:tab as TAB, w:br/w:cr as a line break;
  // deleted text, field instructions, drawings and properties are skipped.
  void collect(pugi::xml_node n, std::string &out) const {
    for (pugi::xml_node c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      const std::string_view l = w_.local(c);
      if (l.empty()) continue;  // mc:AlternateContent, other namespaces: drawings, ink
      if (l == "t") {
        out += c.text().as_string();
      } else if (l == "tab" || l == "ptab") {
        out += '\t';
      } else if (l == "br" || l == "cr") {
        out += '\n';
      } else if (l == "noBreakHyphen") {
        out += '-';
      } else if (l == "pPr" || l == "rPr" || l == "del" || l == "moveFrom" || l == "delText" || l == "instrText" ||
                 l == "drawing" || l == "pict" || l == "object" || l == "footnoteReference" ||
                 l == "endnoteReference" || l == "commentReference") {
        continue;
      } else {
        collect(c, out);  // w:r, w:hyperlink, w:ins, w:smartTag, w:sdt, w:fldSimple, …
      }
    }
  }

  std::string paragraph_text(pugi::xml_node p) const {
    std::string s;
    collect(p, s);
    return sdk::trim(s);
  }

  int heading_level(pugi::xml_node p, const std::string &text) const {
    const pugi::xml_node ppr = w_.child(p, "pPr");
    if (auto o = w_.val(ppr, "outlineLvl")) {
      const int lvl = std::atoi(o->c_str());
      return lvl >= 0 && lvl <= 8 ? lvl + 1 : 0;  // 9: body text
    }
    if (auto style = w_.val(ppr, "pStyle"))
      if (const int l = styles_.level(*style); l > 0) return l;
    return sdk::numbered_heading_level(text);
  }

  void paragraph(pugi::xml_node p) {
    const int line = ++line_;
    std::string text = paragraph_text(p);
    if (text.empty()) return;
    const sdk::LineRange where{line, line};
    if (const int level = heading_level(p, text); level > 0)
      doc_.add_heading(std::move(text), level, where);
    else
      doc_.add_paragraph(std::move(text), where);
  }

  // Rows and cells may be wrapped in content controls or custom XML.
  std::vector<pugi::xml_node> items(pugi::xml_node parent, std::string_view name) const {
    std::vector<pugi::xml_node> out;
    for (pugi::xml_node c : parent.children()) {
      if (w_.is(c, name)) {
        out.push_back(c);
      } else if (w_.is(c, "sdt") || w_.is(c, "customXml")) {
        pugi::xml_node inner = w_.is(c, "sdt") ? w_.child(c, "sdtContent") : c;
        for (pugi::xml_node x : items(inner, name)) out.push_back(x);
      }
    }
    return out;
  }

  // A cell's text: its paragraphs joined by '\n' (an empty paragraph between
  // two gives an empty line, leading and trailing empty ones are dropped);
  // a table nested in the cell contributes its cells' text, row by row.
  void cell_content(pugi::xml_node container, std::vector<std::string> &paras, bool &nested) {
    for (pugi::xml_node n : container.children()) {
      if (w_.is(n, "p")) {
        ++line_;
        paras.push_back(paragraph_text(n));
      } else if (w_.is(n, "tbl")) {
        nested = true;
        for (pugi::xml_node tr : items(n, "tr")) {
          std::string row;
          for (pugi::xml_node tc : items(tr, "tc")) {
            std::vector<std::string> inner;
            bool deeper = false;
            cell_content(tc, inner, deeper);
            std::string t;
            for (const auto &x : inner)
              if (!x.empty()) t += (t.empty() ? "" : " ") + x;
            if (!t.empty()) row += (row.empty() ? "" : "\t") + t;
          }
          paras.push_back(row);
        }
      } else if (w_.is(n, "sdt")) {
        cell_content(w_.child(n, "sdtContent"), paras, nested);
      } else if (w_.is(n, "customXml")) {
        cell_content(n, paras, nested);
      }
    }
  }

  static std::string join_paragraphs(std::vector<std::string> paras) {
    while (!paras.empty() && paras.back().empty()) paras.pop_back();
    size_t first = 0;
    while (first < paras.size() && paras[first].empty()) ++first;
    std::string out;
    for (size_t i = first; i < paras.size(); ++i) {
      if (i > first) out += '\n';
      out += paras[i];
    }
    return out;
  }

  static int positive(const std::optional<std::string> &v, int fallback) {
    if (!v) return fallback;
    const int n = std::atoi(v->c_str());
    return n > 0 ? n : fallback;
  }

  void table(pugi::xml_node tbl) {
    sdk::Table &table = doc_.add_table({line_ + 1, line_ + 1});
    // Open vertical merges: grid column -> (row, cell) of the merge's first cell.
    std::map<int, std::pair<size_t, size_t>> open;
    for (pugi::xml_node tr : items(tbl, "tr")) {
      const pugi::xml_node trpr = w_.child(tr, "trPr");
      const bool header = on_off(w_.val(trpr, "tblHeader"));
      int col = positive(w_.val(trpr, "gridBefore"), 0);
      const size_t row_index = table.rows.size();
      sdk::Row &row = table.add_row({line_ + 1, line_ + 1});
      std::map<int, std::pair<size_t, size_t>> still_open;
      for (pugi::xml_node tc : items(tr, "tc")) {
        const pugi::xml_node tcpr = w_.child(tc, "tcPr");
        const int span = positive(w_.val(tcpr, "gridSpan"), 1);
        const std::optional<std::string> vmerge = w_.val(tcpr, "vMerge");
        const std::optional<std::string> hmerge = w_.val(tcpr, "hMerge");
        const int first = line_ + 1;
        std::vector<std::string> paras;
        bool nested = false;
        cell_content(tc, paras, nested);
        const sdk::LineRange where{first, std::max(first, line_)};
        std::string text = join_paragraphs(std::move(paras));
        if (nested)
          doc_.diagnose(sdk::Severity::info, first, "nested-table",
                        "a table inside a table cell is read as the cell's text");
        // Legacy horizontal merge: the cell widens the one before it.
        if (hmerge && *hmerge != "restart" && !row.cells.empty()) {
          row.cells.back().colspan += span;
          row.cells.back().lines.last = where.last;
          col += span;
          continue;
        }
        const bool continues = vmerge && *vmerge != "restart";
        if (continues) {
          auto it = open.find(col);
          if (it != open.end()) {
            table.rows[it->second.first].cells[it->second.second].rowspan += 1;
            still_open[col] = it->second;
          }
          if (!sdk::is_blank(text))
            doc_.diagnose(sdk::Severity::warning, first, "merged-cell-text",
                          "text in a vertically merged cell, which Word does not show: " + text);
          text.clear();  // a blank cell keeps the row's full width
        }
        sdk::Cell &cell = row.add_cell(std::move(text), where);
        cell.colspan = span;
        cell.column = col;
        cell.header = header;
        if (vmerge && *vmerge == "restart") still_open[col] = {row_index, row.cells.size() - 1};
        col += span;
      }
      open = std::move(still_open);  // a merge not continued in this row has ended
      row.lines.last = std::max(row.lines.first, line_);
    }
    table.lines.last = std::max(table.lines.first, line_);
  }

  const Names &w_;
  const Styles &styles_;
  sdk::RawDocument &doc_;
  int line_ = 0;
};

// The main document part named by the package relationships, else the usual.
std::string main_part(sdk::ZipArchive &zip) {
  if (auto rels = zip.read("_rels/.rels", kMaxPartSize)) {
    pugi::xml_document d;
    if (d.load_buffer(rels->data(), rels->size())) {
      for (pugi::xml_node r : d.document_element().children()) {
        const std::string type = r.attribute("Type").as_string();
        if (type.size() >= 15 && type.compare(type.size() - 15, 15, "/officeDocument") == 0) {
          std::string target = r.attribute("Target").as_string();
          if (!target.empty() && target[0] == '/') target.erase(0, 1);
          if (!target.empty()) return target;
        }
      }
    }
  }
  return "word/document.xml";
}

pugi::xml_document parse_xml(const std::string &name, const std::string &bytes) {
  pugi::xml_document d;
  // Keep w:t elements holding only spaces (xml:space="preserve").
  const pugi::xml_parse_result r =
      d.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r) bad_input(name + ": malformed XML: " + r.description() + " at byte " + std::to_string(r.offset));
  return d;
}

}  // namespace

double probe(std::string_view bytes) {
  if (!sdk::looks_like_zip(bytes)) return 0.0;
  try {
    sdk::ZipArchive zip(bytes);
    if (zip.has("word/document.xml")) return 0.99;
    return zip.has("[Content_Types].xml") && zip.has(main_part(zip)) && main_part(zip).rfind("word/", 0) == 0 ? 0.9
                                                                                                              : 0.0;
  } catch (...) {
    return 0.0;
  }
}

void read(std::string_view bytes, sdk::RawDocument &doc) {
  const std::unique_ptr<sdk::ZipArchive> zip = sdk::open_package(bytes, "a .docx file");
  try {
    const std::string part = main_part(*zip);
    const std::optional<std::string> xml = zip->read(part, kMaxPartSize);
    if (!xml) bad_input("not a .docx file: no " + part + " in the package");
    const pugi::xml_document document = parse_xml(part, *xml);
    const pugi::xml_node root = document.document_element();
    const Names w(root);
    const pugi::xml_node body = w.child(root, "body");
    if (!body) bad_input(part + ": no w:body element");

    // Styles sit beside the main part.
    const std::string dir = part.substr(0, part.rfind('/') + 1);
    Styles styles;
    if (auto s = zip->read(dir + "styles.xml", kMaxPartSize)) {
      pugi::xml_document sd;
      if (sd.load_buffer(s->data(), s->size()))
        styles = Styles(sd);
      else
        doc.diagnose(sdk::Severity::warning, 0, "bad-styles",
                     "styles.xml is malformed; headings by style are not recognised");
    }
    Reader(w, styles, doc).blocks(body);
  } catch (const sdk::Error &) {
    throw;
  } catch (const std::exception &e) {
    bad_input(std::string("unreadable .docx: ") + e.what());
  }
  bool has_table = false;
  for (const auto &b : doc.blocks()) has_table |= b.kind == sdk::Block::Kind::table;
  if (!has_table) doc.diagnose(sdk::Severity::warning, 0, "no-table", "no table found in the document");
}

}  // namespace docpipe::docx
