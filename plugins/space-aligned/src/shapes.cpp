#include "shapes.hpp"

#include <algorithm>
#include <docpipe/sdk/labels.hpp>
#include <map>

namespace docpipe::space_aligned {

namespace {
// A key of fewer bytes (one CJK character) says nothing about a table.
constexpr size_t kMinKeyBytes = 6;
// The score a region needs, and by which it must lead the next table.
constexpr double kMinScore = 2.0;
constexpr double kLead = 1.0;
}  // namespace

Shapes::Shapes(const sdk::ShapeHints &hints) {
  std::map<std::string, size_t> table_of_id;
  std::map<std::string, std::vector<size_t>> tables_of_key;
  for (const sdk::HintTable &t : hints.tables) {
    auto [it, fresh] = table_of_id.try_emplace(t.id, tables_.size());
    if (fresh) tables_.push_back({t.id, {}});
    const size_t at = it->second;
    TableShape &shape = tables_[at].shape;
    // Every layout of the table counts: columns fixed only when all agree.
    const bool one_section = t.sections.size() == 1;
    const int first = t.sections.empty() ? 0 : static_cast<int>(t.sections.front().columns.size());
    if (fresh)
      shape.fixed_columns = one_section ? first : 0;
    else if (!one_section || shape.fixed_columns != first)
      shape.fixed_columns = 0;
    auto add = [&](const std::string &key) {
      if (key.size() < kMinKeyBytes) return;
      auto &list = tables_of_key[key];
      if (std::find(list.begin(), list.end(), at) == list.end()) list.push_back(at);
    };
    add(sdk::label_key(t.name));
    for (const auto &h : t.header_labels) add(sdk::label_key(h));
    for (const sdk::HintSection &s : t.sections) {
      shape.max_columns = std::max(shape.max_columns, static_cast<int>(s.columns.size()));
      add(sdk::label_key(s.label));
      for (const sdk::HintColumn &c : s.columns) {
        for (const auto &l : c.labels) add(sdk::label_key(l));
        for (const auto &k : c.keys) add(k);
      }
      for (const sdk::HintRow &r : s.rows) {
        for (const auto &g : r.groups) add(sdk::label_key(g));
        for (const auto &k : r.keys) add(k);
      }
    }
  }
  for (auto &[key, tables] : tables_of_key) keys_.push_back({key, tables});
}

TableShape Shapes::of(std::string_view labels_key) const {
  std::vector<double> score(tables_.size(), 0);
  for (const Key &k : keys_)
    if (labels_key.find(k.key) != std::string_view::npos)
      for (size_t t : k.tables) score[t] += 1.0 / static_cast<double>(k.tables.size());
  size_t best = tables_.size();
  double top = 0, second = 0;
  for (size_t t = 0; t < score.size(); ++t) {
    if (score[t] > top) {
      second = top;
      top = score[t];
      best = t;
    } else if (score[t] > second) {
      second = score[t];
    }
  }
  if (best == tables_.size() || top < kMinScore || top - second < kLead) return {};
  return tables_[best].shape;
}

}  // namespace docpipe::space_aligned
