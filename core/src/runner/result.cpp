#include "runner/result.hpp"

#include <algorithm>
#include <pugixml.hpp>

namespace docpipe::runner {
namespace fs = std::filesystem;

// Reads a worker's result record (an XML <result>) into a ledger row.
InputRecord parse_result(const Candidate &c, const std::string &xml, const fs::path &out_dir) {
  InputRecord r;
  r.relpath = c.relpath;
  r.size = c.size;
  r.mtime_ns = c.mtime_ns;
  r.status = "failed";
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    r.content_hash = hash_of(c);
    r.error = "the worker's result is unreadable";
    return r;
  }
  const auto res = doc.child("result");
  // The hash of the bytes the worker converted (it read them anyway).
  r.content_hash = res.attribute("sha256").as_string();
  if (r.content_hash.empty()) r.content_hash = hash_of(c);
  r.status = res.attribute("status").as_string("failed");
  r.error = res.child("error").text().as_string();
  r.plugin = res.attribute("plugin").as_string();
  r.template_id = res.attribute("template").as_string();
  r.verdict = res.attribute("verdict").as_string();
  r.reasons = res.attribute("reasons").as_string();
  r.title = res.attribute("title").as_string();
  r.agency = res.attribute("agency").as_string();
  r.year = res.attribute("year").as_string();
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
