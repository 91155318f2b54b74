#include "runner/review.hpp"

#include <unistd.h>

#include <algorithm>
#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <unordered_map>

#include "across/store.hpp"
#include "error.hpp"
#include "runner/ledger.hpp"
#include "support/csv.hpp"
#include "util/files.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;

namespace {

// The groups in the order a person works through them: what failed, what is
// wrong, what was placed with doubt, what is missing, what the reader doubted.
struct Group {
  const char *code, *what;
};
constexpr Group kGroups[] = {
    {"failed", "the conversion failed: no values"},
    {"no-template", "no report template recognised"},
    {"table-missing", "a template table was not found"},
    {"failed-identity", "accounting identities fail: the stated total (this cell) and its terms disagree"},
    {"cross-year", "an agency's consecutive years disagree (docs/cross-year.md)"},
    {"cross-year-duplicate", "two reports of one agency and year (neither checked against the other years)"},
    {"possible-alias", "agency names that may be one agency (join them in the aliases file, or not)"},
    {"ambiguous-placement", "values placed by alignment on rows with missing cells"},
    {"tie-break", "values placed with an identity's help (that identity is no independent check)"},
    {"absent-cells", "template cells with no counterpart in the source (left blank)"},
    {"unmapped-cells", "source values that fit no template cell"},
    {"input-doubts", "parts of the input the reader was unsure of"},
    {"override-not-applied", "corrections that name a cell this report does not have"},
};

size_t group_rank(const std::string &code) {
  for (size_t i = 0; i < std::size(kGroups); ++i)
    if (code == kGroups[i].code) return i;
  return std::size(kGroups);
}

std::string lines_of(pugi::xml_node n) {
  const int first = n.attribute("first-line").as_int(), last = n.attribute("last-line").as_int(first);
  if (first <= 0) return n.attribute("line").as_int() > 0 ? n.attribute("line").as_string() : "";
  return last > first ? std::to_string(first) + "-" + std::to_string(last) : std::to_string(first);
}

ReviewItem cell_item(const std::string &reason, const std::string &file, pugi::xml_node record) {
  return {reason,
          file,
          record.attribute("table").as_string(),
          record.attribute("row").as_string(),
          record.attribute("column").as_string(),
          record.attribute("value").as_string(),
          lines_of(record),
          ""};
}

// The items of one report's model; `file` names it as the values CSV does.
void model_items(const pugi::xml_node root, const std::string &file, std::vector<ReviewItem> &out) {
  std::map<std::string, std::string> reasons;  // code -> text, of the verdict
  for (auto r : root.child("verdict").children("reason")) reasons[r.attribute("code").as_string()] = r.text().get();
  if (reasons.empty()) return;
  std::unordered_map<std::string, pugi::xml_node> records;
  for (auto r : root.child("records").children("record")) records[r.attribute("id").as_string()] = r;
  const size_t before = out.size();
  auto wanted = [&](const char *code) { return reasons.count(code) > 0; };

  if (wanted("failed-identity"))
    for (auto c : root.child("checks").children("check")) {
      if (std::string_view(c.attribute("result").as_string()) != "fail") continue;
      // The stated total is the cell to look at; the terms' lines go with it.
      std::vector<std::string> stated, terms;
      for (const char *side : {"actual-cells", "expected-cells"}) {
        std::string ids = c.attribute(side).as_string();
        for (size_t at = 0; at < ids.size();) {
          size_t sp = ids.find(' ', at);
          if (sp == std::string::npos) sp = ids.size();
          (side[0] == 'a' ? stated : terms).push_back(ids.substr(at, sp - at));
          at = sp + 1;
        }
      }
      std::string term_lines;
      for (const auto &id : terms)
        if (const auto it = records.find(id); it != records.end())
          if (const std::string l = lines_of(it->second); !l.empty()) term_lines += (term_lines.empty() ? "" : " ") + l;
      const std::string detail = std::string("identity ") + c.attribute("identity").as_string() +
                                 ": the terms sum to " + c.attribute("expected").as_string() + ", the total is " +
                                 c.attribute("actual").as_string() +
                                 (term_lines.empty() ? "" : " (terms on lines " + term_lines + ")");
      const auto it = stated.empty() ? records.end() : records.find(stated.front());
      if (it != records.end()) {
        ReviewItem item = cell_item("failed-identity", file, it->second);
        item.detail = detail;
        out.push_back(std::move(item));
      } else {
        out.push_back({"failed-identity", file, c.attribute("table").as_string(), c.attribute("row").as_string(),
                       c.attribute("column").as_string(), "", "", detail});
      }
    }
  for (auto r : root.child("records").children("record")) {
    const std::string_view placement = r.attribute("placement").as_string();
    if (placement == "aligned" && wanted("ambiguous-placement")) {
      // Every cell of a short row: the one left blank is as likely wrong as those that moved.
      ReviewItem item = cell_item("ambiguous-placement", file, r);
      if (std::string_view(r.attribute("state").as_string()) == "blank")
        item.detail = "left blank: the row has fewer cells than the template";
      out.push_back(std::move(item));
    } else if (placement == "tie-break" && wanted("tie-break"))
      out.push_back(cell_item("tie-break", file, r));
    else if (placement == "absent" && wanted("absent-cells"))
      out.push_back(cell_item("absent-cells", file, r));
  }
  if (wanted("unmapped-cells"))
    for (auto u : root.child("unmapped").children("item"))
      out.push_back(
          {"unmapped-cells", file, "", "", "", u.text().get(), lines_of(u), u.attribute("reason").as_string()});
  if (wanted("input-doubts"))
    for (auto list : {root.child("body"), root.child("diagnostics")})
      for (auto d : list.children("diagnostic")) {
        const bool doubt =
            d.attribute("doubt").as_bool() || std::string_view(d.attribute("severity").as_string()) == "error";
        if (!doubt) continue;
        const std::string code = d.attribute("code").as_string();
        out.push_back({code == "override-not-applied" ? code : "input-doubts", file, "", "", "", "", lines_of(d),
                       code + ": " + d.text().get()});
      }
  // A reason no item above stands for (table-missing, no-template): its text.
  std::set<std::string> covered;
  for (size_t i = before; i < out.size(); ++i) covered.insert(out[i].reason);
  for (const auto &[code, text] : reasons)
    if (!covered.count(code) && !(code == "input-doubts" && covered.count("override-not-applied")))
      out.push_back({code, file, "", "", "", "", "", text});
}

bool load_model(const fs::path &file, pugi::xml_document &doc) {
  std::string bytes;
  if (read_whole_file(file, bytes) != 0) return false;
  return doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                         pugi::encoding_utf8) &&
         doc.child("document");
}

}  // namespace

std::vector<ReviewItem> review_items(const fs::path &output_dir, size_t &reports) {
  std::vector<ReviewItem> out;
  reports = 0;
  std::error_code ec;
  if (!fs::is_directory(output_dir, ec)) throw Error(ExitCode::no_input, output_dir.string() + ": no such folder");
  const fs::path ledger_file = output_dir / ".docpipe" / "ledger.sqlite";
  if (fs::exists(ledger_file, ec)) {
    // A run: the ledger says which inputs need a person; their models say where.
    const Ledger ledger(ledger_file);
    ledger.for_each([&](const InputRecord &r) {
      const std::string file = sdk::escape_bytes(r.relpath);
      if (r.status != "done") {
        ++reports;
        out.push_back({"failed", file, "", "", "", "", "", sdk::escape_bytes(r.error)});
        return;
      }
      if (r.verdict == "ok") return;
      ++reports;
      for (const std::string &o : r.outputs) {
        pugi::xml_document doc;
        if (o.size() > 4 && o.ends_with(".xml") && load_model(output_dir / o, doc)) {
          model_items(doc.child("document"), file, out);
          return;
        }
      }
      // No model among the outputs: what the ledger knows.
      for (const Violation &v : r.violations)
        out.push_back({"failed-identity", file, v.table, v.row, v.column, "", "",
                       "identity " + v.identity + ": the terms sum to " + v.expected + ", the total is " + v.actual});
      out.push_back({"review", file, "", "", "", "", "",
                     r.reasons + " (add the xml output to the pipeline for the cells and lines)"});
    });
    // Across reports: what the run's cross-year checks found that a person
    // must look at (gaps and operands not checkable are in `status`).
    for (const across::Finding &f : across::load_findings(ledger.handle())) {
      const std::string reason = f.kind == "fail"             ? "cross-year"
                                 : f.kind == "duplicate"      ? "cross-year-duplicate"
                                 : f.kind == "possible-alias" ? "possible-alias"
                                                              : "";
      if (reason.empty()) continue;
      std::string detail;
      if (f.kind != "fail") {  // a duplicate year, a possible alias: the note says it all
        detail = f.note + " (" + sdk::escape_bytes(f.previous_file) + ")";
      } else {
        detail = "identity " + f.identity + (f.instance.empty() ? "" : " (" + f.instance + ")");
        if (f.kind == "fail") detail += ": expected " + f.expected + ", stated " + f.actual;
        detail += "; " + f.previous_year + ", " + sdk::escape_bytes(f.previous_file) + ": " + f.previous_cells + "; " +
                  f.year + ", this report: " + f.cells;
        if (!f.note.empty()) detail += "; " + f.note;
      }
      out.push_back({reason, sdk::escape_bytes(f.file), "", "", "", "", "", detail});
    }
  } else {
    // A `convert` folder: every model in it.
    std::vector<fs::path> models;
    for (auto it = fs::recursive_directory_iterator(output_dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->path().extension() == ".xml" && it->is_regular_file(ec)) models.push_back(it->path());
    std::sort(models.begin(), models.end());
    size_t read = 0;
    for (const fs::path &m : models) {
      pugi::xml_document doc;
      if (!load_model(m, doc)) continue;
      ++read;
      const pugi::xml_node root = doc.child("document");
      if (std::string_view(root.child("verdict").attribute("status").as_string()) == "ok") continue;
      ++reports;
      model_items(root, root.child("metadata").child("source").attribute("name").as_string(), out);
    }
    if (read == 0)
      throw Error(ExitCode::no_input, output_dir.string() +
                                          ": neither a run's ledger nor a model (.xml output) here; convert with -t "
                                          "xml,... or give a run's output folder");
  }
  std::stable_sort(out.begin(), out.end(), [](const ReviewItem &a, const ReviewItem &b) {
    return group_rank(a.reason) < group_rank(b.reason);
  });
  return out;
}

int run_review(const fs::path &output_dir, const fs::path &csv_out) {
  size_t reports = 0;
  const std::vector<ReviewItem> items = review_items(output_dir, reports);
  const bool csv_to_stdout = csv_out == "-";
  for (size_t i = 0; i < items.size() && !csv_to_stdout;) {
    size_t j = i;
    std::set<std::string> files;
    while (j < items.size() && items[j].reason == items[i].reason) files.insert(items[j++].file);
    const size_t rank = group_rank(items[i].reason);
    std::cout << items[i].reason << ": " << (rank < std::size(kGroups) ? kGroups[rank].what : "to review") << " ("
              << j - i << (j - i == 1 ? " item" : " items") << " in " << files.size()
              << (files.size() == 1 ? " report" : " reports") << ")\n";
    for (; i < j; ++i) {
      const ReviewItem &it = items[i];
      std::cout << "  " << it.file;
      if (!it.table.empty()) std::cout << " | " << it.table << " | " << it.row << " | " << it.column;
      if (!it.table.empty() || !it.value.empty()) std::cout << " = '" << it.value << "'";
      if (!it.lines.empty()) std::cout << " (line " << it.lines << ")";
      if (!it.detail.empty()) std::cout << ": " << it.detail;
      std::cout << "\n";
    }
  }
  if (!csv_to_stdout)
    std::cout << reports << (reports == 1 ? " report needs" : " reports need") << " a person, " << items.size()
              << (items.size() == 1 ? " item" : " items")
              << (reports > 0 ? "; correct a cell with an overrides file (docs/review.md), e.g. the rows of "
                                "`docpipe review OUT --csv FILE` with the value put right and a note"
                              : "")
              << "\n";
  if (csv_out.empty()) return 0;

  // The first six columns are an overrides file's: this CSV is the draft of
  // the corrections (keep the rows of cells, fix the value, add a note).
  outputs::CsvWriter csv(true, true);
  for (const char *h : {"file", "table", "row", "column", "value", "note", "reason", "source_line", "detail"})
    csv.field(h, true);
  csv.end_row();
  for (const ReviewItem &it : items) {
    for (const std::string *f : {&it.file, &it.table, &it.row, &it.column, &it.value}) csv.field(*f, true);
    csv.field("", true);
    for (const std::string *f : {&it.reason, &it.lines, &it.detail}) csv.field(*f, true);
    csv.end_row();
  }
  if (const size_t bad = sdk::invalid_utf8_at(csv.bytes()); bad != std::string::npos)
    throw Error(ExitCode::internal, csv_out.string() + ": would hold invalid UTF-8 at byte " + std::to_string(bad));
  if (csv_to_stdout) {
    std::cout << csv.bytes() << std::flush;
    return 0;
  }
  write_file_whole(csv_out, csv.bytes(), csv_out.string());
  return 0;
}

}  // namespace docpipe::runner
