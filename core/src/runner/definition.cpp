#include "runner/definition.hpp"

#include <algorithm>
#include <fstream>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "error.hpp"
#include "util/sha256.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;

namespace {

class Reader {
 public:
  Reader(fs::path file, std::string text) : file_(std::move(file)), text_(std::move(text)) {}

  int line_of(ptrdiff_t offset) const {
    int line = 1;
    for (ptrdiff_t i = 0; i < offset && i < static_cast<ptrdiff_t>(text_.size()); ++i) line += text_[i] == '\n';
    return line;
  }
  [[noreturn]] void fail(const pugi::xml_node &n, const std::string &why) const {
    fail_at(line_of(n.offset_debug()), why);
  }
  [[noreturn]] void fail_at(int line, const std::string &why) const {
    throw Error(ExitCode::config, file_.string() + ":" + std::to_string(line) + ": " + why);
  }
  void only_attributes(const pugi::xml_node &n, const std::set<std::string> &allowed) const {
    for (auto a : n.attributes())
      if (!allowed.count(a.name())) fail(n, "unknown attribute '" + std::string(a.name()) + "' on <" + n.name() + ">");
  }
  const std::string &text() const { return text_; }

 private:
  fs::path file_;
  std::string text_;
};

std::set<std::string> split_names(const char *csv) {
  std::set<std::string> out;
  std::string s(csv == nullptr ? "" : csv), cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return out;
}

// The pattern may use {relpath} (the input's folder relative to the input
// root) and must end in {stem}; it may not be absolute or climb with "..".
std::string check_pattern(const std::string &p) {
  if (p.empty()) return "an empty path pattern";
  if (p.front() == '/') return "the path pattern '" + p + "' is absolute: it would escape the output folder";
  const std::string tail = "{stem}";
  if (p.size() < tail.size() || p.compare(p.size() - tail.size(), tail.size(), tail) != 0)
    return "the path pattern '" + p + "' must end with {stem} (the plugin adds its own file suffixes)";
  std::string rest = p;
  for (const std::string ph : {"{relpath}", "{stem}"})
    for (size_t at; (at = rest.find(ph)) != std::string::npos;) rest.replace(at, ph.size(), "x");
  if (rest.find('{') != std::string::npos || rest.find('}') != std::string::npos)
    return "the path pattern '" + p + "' has an unknown placeholder (known: {relpath}, {stem})";
  std::stringstream ss(rest);
  for (std::string part; std::getline(ss, part, '/');)
    if (part == "..") return "the path pattern '" + p + "' climbs with '..': it would escape the output folder";
  return "";
}

}  // namespace

bool glob_match(std::string_view pat, std::string_view path) {
  if (pat.empty()) return path.empty();
  if (pat.substr(0, 3) == "**/") {
    // zero or more whole folders
    if (glob_match(pat.substr(3), path)) return true;
    for (size_t i = 0; i < path.size(); ++i)
      if (path[i] == '/' && glob_match(pat.substr(3), path.substr(i + 1))) return true;
    return false;
  }
  if (pat.front() == '*') {
    for (size_t i = 0; i <= path.size(); ++i) {
      if (glob_match(pat.substr(1), path.substr(i))) return true;
      if (i < path.size() && path[i] == '/') break;
    }
    return false;
  }
  if (path.empty()) return false;
  if (pat.front() == '[') {
    // A class: [hH], [a-z], [!0-9] (one byte, never '/'). Unclosed: a literal '['.
    const size_t close = pat.find(']', pat.size() > 2 && (pat[1] == '!' || pat[1] == '^') ? 3 : 2);
    if (close != std::string_view::npos) {
      const bool negate = pat[1] == '!' || pat[1] == '^';
      const std::string_view set = pat.substr(negate ? 2 : 1, close - (negate ? 2 : 1));
      bool hit = false;
      for (size_t i = 0; i < set.size(); ++i)
        if (i + 2 < set.size() && set[i + 1] == '-') {
          hit |= path.front() >= set[i] && path.front() <= set[i + 2];
          i += 2;
        } else {
          hit |= path.front() == set[i];
        }
      if (path.front() == '/' || hit == negate) return false;
      return glob_match(pat.substr(close + 1), path.substr(1));
    }
  }
  if (pat.front() == '?' ? path.front() != '/' : pat.front() == path.front())
    return glob_match(pat.substr(1), path.substr(1));
  return false;
}

fs::path expand_pattern(const std::string &pattern, const fs::path &relpath) {
  std::string out = pattern;
  const std::string dir = relpath.parent_path().generic_string();
  const std::string stem = relpath.stem().string();
  for (size_t at; (at = out.find("{relpath}")) != std::string::npos;) out.replace(at, 9, dir);
  for (size_t at; (at = out.find("{stem}")) != std::string::npos;) out.replace(at, 6, stem);
  // An input at the top of the input folder has an empty {relpath}: "/{stem}"
  // is then relative to the output folder, never the file system's root.
  return fs::path(out).lexically_normal().relative_path();
}

OutputOwners::OutputOwners(const std::vector<OutputSpec> &outputs, size_t n,
                           const std::function<std::string_view(size_t)> &relpath_at)
    : outputs_(outputs), relpath_at_(relpath_at) {
  const std::hash<std::string> hash;
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  size_t pairs = 0;
  std::pair<uint32_t, uint32_t> first{0, 0};
  const OutputSpec *first_spec = nullptr;
  for (const OutputSpec &o : outputs) {
    keys.clear();
    for (size_t k = 0; k < n; ++k) {
      const uint64_t h = hash(expand_pattern(o.pattern, std::string(relpath_at(k))).generic_string());
      keys.push_back({h, static_cast<uint32_t>(k)});
      stems_.push_back({h, static_cast<uint32_t>(k)});
    }
    std::sort(keys.begin(), keys.end());
    for (size_t i = 1; i < keys.size(); ++i) {
      if (keys[i].first != keys[i - 1].first) continue;
      const uint32_t a = keys[i - 1].second, b = keys[i].second;
      if (expand_pattern(o.pattern, std::string(relpath_at(a))) !=
          expand_pattern(o.pattern, std::string(relpath_at(b))))
        continue;  // a hash collision, not a path collision
      ++pairs;
      if (first_spec == nullptr || std::make_pair(a, b) < first) {
        first = {a, b};
        first_spec = &o;
      }
    }
  }
  std::sort(stems_.begin(), stems_.end());
  if (first_spec != nullptr) {
    const std::string stem = expand_pattern(first_spec->pattern, std::string(relpath_at(first.first))).generic_string();
    collision_ = "'" + std::string(relpath_at(first.first)) + "' and '" + std::string(relpath_at(first.second)) +
                 "' would write the same files (" + (first_spec->plugin.empty() ? "" : first_spec->plugin + " ") +
                 "output " + stem + ".*" + (pairs > 1 ? "; " + std::to_string(pairs - 1) + " more such pairs" : "") +
                 "): each output file must belong to one input";
  }
}

bool OutputOwners::owns_stem(const std::string &stem_path, size_t output) const {
  auto [lo, hi] =
      std::equal_range(stems_.begin(), stems_.end(), std::make_pair(std::hash<std::string>{}(stem_path), 0u),
                       [](const auto &x, const auto &y) { return x.first < y.first; });
  for (auto it = lo; it != hi; ++it)
    if (expand_pattern(outputs_[output].pattern, std::string(relpath_at_(it->second))).generic_string() == stem_path)
      return true;
  return false;
}

bool OutputOwners::owned_by_another(const fs::path &file, int64_t self) const {
  // Every stem the file's name could have: "a/r.table-1.csv" -> a/r, a/r.table-1.
  const std::string dir = file.parent_path().generic_string();
  const std::string name = file.filename().string();
  const std::hash<std::string> hash;
  for (size_t dot = name.find('.', 1); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    const std::string stem = (dir.empty() ? "" : dir + "/") + name.substr(0, dot);
    auto [lo, hi] = std::equal_range(stems_.begin(), stems_.end(), std::make_pair(hash(stem), uint32_t{0}),
                                     [](const auto &x, const auto &y) { return x.first < y.first; });
    for (auto it = lo; it != hi; ++it) {
      if (static_cast<int64_t>(it->second) == self) continue;
      for (const OutputSpec &o : outputs_)
        if (expand_pattern(o.pattern, std::string(relpath_at_(it->second))).generic_string() == stem) return true;
    }
  }
  return false;
}

Pipeline load_pipeline(const fs::path &file, const PluginRegistry &plugins, const fs::path &input_override) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ExitCode::config, file.string() + ": cannot read the pipeline definition");
  std::stringstream ss;
  ss << in.rdbuf();
  Reader r(file, ss.str());
  pugi::xml_document doc;
  const auto res = doc.load_buffer(r.text().data(), r.text().size());
  if (!res) r.fail_at(r.line_of(res.offset), std::string("not well-formed XML: ") + res.description());
  const auto root = doc.child("pipeline");
  if (!root) r.fail(doc.first_child(), "the root element must be <pipeline>");
  r.only_attributes(root, {"name", "version"});

  Pipeline p;
  p.file = fs::absolute(file);
  p.content_hash = sha256_hex(r.text());
  p.name = root.attribute("name").as_string(file.stem().string().c_str());
  for (auto child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string name = child.name();
    if (name == "inputs") {
      r.only_attributes(child, {"folder", "plugin"});
      p.input_folder = child.attribute("folder").as_string(".");
      p.input_plugin = child.attribute("plugin").as_string("auto");
      if (child.child("include")) p.include.clear();
      for (auto g : child.children()) {
        if (g.type() != pugi::node_element) continue;
        const std::string gn = g.name();
        r.only_attributes(g, {"glob"});
        const std::string glob = g.attribute("glob").as_string();
        if (glob.empty()) r.fail(g, "<" + gn + "> needs a glob");
        if (gn == "include")
          p.include.push_back(glob);
        else if (gn == "exclude")
          p.exclude.push_back(glob);
        else
          r.fail(g, "unknown element <" + gn + "> in <inputs>");
      }
      if (p.input_plugin != "auto" && plugins.find(p.input_plugin, DOCPIPE_KIND_INPUT) == nullptr)
        r.fail(child, "unknown input plugin '" + p.input_plugin + "'");
    } else if (name == "output") {
      r.only_attributes(child, {"plugin", "path"});
      OutputSpec o;
      o.line = r.line_of(child.offset_debug());
      o.plugin = child.attribute("plugin").as_string();
      o.pattern = child.attribute("path").as_string("{relpath}/{stem}");
      const PluginInfo *plugin = plugins.find(o.plugin, DOCPIPE_KIND_OUTPUT);
      if (plugin == nullptr) r.fail(child, "unknown output plugin '" + o.plugin + "'");
      if (const std::string why = check_pattern(o.pattern); !why.empty()) r.fail(child, why);
      // A worker is told one folder and stem per plugin: two outputs of one
      // plugin would be written as one.
      for (const OutputSpec &earlier : p.outputs)
        if (earlier.plugin == o.plugin)
          r.fail(child, "a second output of plugin '" + o.plugin + "' (the first is on line " +
                            std::to_string(earlier.line) + "): one output per plugin");
      const auto accepted = split_names(plugin->api->options);
      for (auto opt : child.children()) {
        if (opt.type() != pugi::node_element) continue;
        if (std::string(opt.name()) != "option")
          r.fail(opt, "unknown element <" + std::string(opt.name()) + "> in <output>");
        r.only_attributes(opt, {"name", "value"});
        const std::string key = opt.attribute("name").as_string();
        if (!accepted.count(key)) r.fail(opt, "output plugin '" + o.plugin + "' has no option '" + key + "'");
        o.options[key] = opt.attribute("value").as_string();
      }
      p.outputs.push_back(std::move(o));
    } else if (name == "combined") {
      r.only_attributes(child, {"values", "summary"});
      p.combined_values = child.attribute("values").as_string("values.csv");
      p.combined_summary = child.attribute("summary").as_string("summary.xlsx");
      for (const auto &f : {p.combined_values, p.combined_summary})
        if (f.find('/') != std::string::npos || f == "." || f == ".." || f == ".docpipe")
          r.fail(child, "combined file names must be plain file names: '" + f + "'");
      if (!p.combined_values.empty() && p.combined_values == p.combined_summary)
        r.fail(child, "values and summary are both '" + p.combined_values + "': one would overwrite the other");
    } else if (name == "overrides") {  // corrections by hand (docs/review.md), relative to the definition
      r.only_attributes(child, {"file"});
      const fs::path f = child.attribute("file").as_string();
      if (f.empty()) r.fail(child, "<overrides> needs a file attribute");
      p.overrides.push_back(f.is_relative() ? p.file.parent_path() / f : f);
    } else if (name == "limits") {
      r.only_attributes(child, {"seconds", "memory-mb", "enabled"});
      p.limits.seconds = child.attribute("seconds").as_int(p.limits.seconds);
      p.limits.memory_mb = child.attribute("memory-mb").as_int(p.limits.memory_mb);
      p.limits.enabled = child.attribute("enabled").as_bool(true);
      if (p.limits.seconds <= 0 || p.limits.memory_mb <= 0) r.fail(child, "limits must be positive");
    } else {
      r.fail(child, "unknown element <" + name + ">");
    }
  }
  if (p.outputs.empty()) r.fail(root, "a pipeline needs at least one <output>");
  if (!input_override.empty())
    p.input_folder = input_override;
  else if (p.input_folder.is_relative())
    p.input_folder = p.file.parent_path() / p.input_folder;
  std::error_code ec;
  if (!fs::is_directory(p.input_folder, ec))
    throw Error(ExitCode::config, file.string() + ": input folder " + p.input_folder.string() + " does not exist");
  p.input_folder = fs::canonical(p.input_folder, ec);
  return p;
}

}  // namespace docpipe::runner
