#include "runner/result.hpp"

#include <algorithm>
#include <cstdlib>
#include <pugixml.hpp>

namespace docpipe::runner {
namespace fs = std::filesystem;

std::string encode_result(std::string_view xml, std::string_view encoded_cells) {
  std::string out = std::to_string(xml.size()) + "\n";
  out.append(xml);
  out.append(encoded_cells);
  return out;
}

InputRecord parse_result(const Candidate &c, std::string_view frame, const fs::path &out_dir) {
  InputRecord r;
  r.relpath = c.relpath;
  r.size = c.size;
  r.mtime_ns = c.mtime_ns;
  r.status = "failed";
  const size_t nl = frame.find('\n');
  const size_t len =
      nl == std::string_view::npos ? 0 : std::strtoul(std::string(frame.substr(0, nl)).c_str(), nullptr, 10);
  const std::string_view xml = nl == std::string_view::npos ? std::string_view() : frame.substr(nl + 1, len);
  pugi::xml_document doc;
  if (nl == std::string_view::npos || nl + 1 + len > frame.size() || !doc.load_buffer(xml.data(), xml.size())) {
    r.content_hash = hash_of(c);
    r.error = "the worker's result is unreadable";
    return r;
  }
  const auto res = doc.child("result");
  // The hash of the bytes the worker converted (it read them anyway).
  r.content_hash = res.attribute("sha256").as_string();
  if (r.content_hash.empty()) r.content_hash = hash_of(c);
  r.status = res.attribute("status").as_string("failed");
  try {
    check_cells(frame.substr(nl + 1 + len));  // checked here, read by the combined outputs
    r.cells.assign(frame.substr(nl + 1 + len));
  } catch (const std::exception &e) {
    r.status = "failed";
    r.error = e.what();
    return r;
  }
  r.error = res.child("error").text().as_string();
  r.plugin = res.attribute("plugin").as_string();
  r.template_id = res.attribute("template").as_string();
  r.verdict = res.attribute("verdict").as_string();
  r.reasons = res.attribute("reasons").as_string();
  r.title = res.attribute("title").as_string();
  r.agency = res.attribute("agency").as_string();
  r.year = res.attribute("year").as_string();
  r.agency_key = res.attribute("agency-key").as_string();
  for (auto o : res.children("output"))
    r.outputs.push_back(fs::path(o.text().as_string()).lexically_relative(out_dir).generic_string());
  std::sort(r.outputs.begin(), r.outputs.end());
  for (auto v : res.children("violation"))
    r.violations.push_back({v.attribute("identity").as_string(), v.attribute("table").as_string(),
                            v.attribute("row").as_string(), v.attribute("column").as_string(),
                            v.attribute("expected").as_string(), v.attribute("actual").as_string()});
  return r;
}

}  // namespace docpipe::runner
