#include "runner/out_files.hpp"

#include <algorithm>
#include <map>

namespace docpipe::runner {
namespace fs = std::filesystem;

// Temporary files of a killed run ("." NAME ".tmp-PID-N") are removed under the lock.
void remove_stale_temporaries(const fs::path &out_dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(out_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos)
      fs::remove(it->path(), ec);
  }
}

// Removes the files an input's earlier result listed and its new one does
// not (all of them when it failed or is gone), before the ledger records the
// new state: OUT holds what the ledger says. A file is kept when its name
// falls under another present input's outputs, or would be reached through
// a symlink leaving the output folder.
void remove_stale_outputs(const fs::path &out_dir, const std::vector<std::string> &before,
                          const std::function<bool(const std::string &)> &still_written, const OutputOwners *owners,
                          int64_t self) {
  for (const auto &f : before) {
    if (f.empty() || still_written(f)) continue;
    const fs::path rel = fs::path(f).lexically_normal();
    if (rel.is_absolute() || rel.empty() || *rel.begin() == ".." || *rel.begin() == ".docpipe") continue;
    if (owners != nullptr && owners->owned_by_another(rel, self)) continue;
    const fs::path file = out_dir / rel;
    if (file.parent_path() != out_dir && !inside(file.parent_path(), out_dir)) continue;
    std::error_code ec;
    fs::remove(file, ec);
  }
}

// A run killed after its workers wrote an input's files and before the
// ledger recorded them leaves files no record lists. The inputs it had
// handed out are in the ledger's in_flight list; their files are found by
// name (the input's folder and stem of each output, as OutputOwners owns
// them) and those that the input's record does not list are removed, once,
// before this run converts anything. Only the folders of those inputs are
// listed, so a clean run costs nothing.
void remove_unrecorded_outputs(const fs::path &out_dir, const Pipeline &p, Ledger &ledger, const OutputOwners &owners,
                               const InputList &all) {
  const std::vector<std::string> flying = ledger.in_flight();
  if (flying.empty()) return;
  std::map<fs::path, std::map<std::string, std::string>> stems;  // folder -> stem -> input
  for (const auto &rel : flying)
    for (const OutputSpec &o : p.outputs) {
      const fs::path stem = expand_pattern(o.pattern, rel);
      stems[stem.parent_path()][stem.filename().string()] = rel;
    }
  for (const auto &[folder, names] : stems) {
    const fs::path dir = out_dir / folder;
    std::error_code ec;
    if (dir != out_dir && !inside(dir, out_dir)) continue;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code sec;
      if (!fs::is_regular_file(it->symlink_status(sec))) continue;
      const std::string name = it->path().filename().string();
      for (size_t dot = name.find('.', 1); dot != std::string::npos; dot = name.find('.', dot + 1)) {
        const auto hit = names.find(name.substr(0, dot));
        if (hit == names.end()) continue;
        const std::string rel = (folder / name).generic_string();
        const auto record = ledger.find(hit->second);
        const bool recorded =
            record && std::find(record->outputs.begin(), record->outputs.end(), rel) != record->outputs.end();
        if (!recorded && !owners.owned_by_another(folder / name, all.index_of(hit->second)))
          fs::remove(it->path(), sec);
        break;
      }
    }
  }
}

}  // namespace docpipe::runner
