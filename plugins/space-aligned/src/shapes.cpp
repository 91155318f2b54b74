#include "shapes.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <docpipe/sdk/labels.hpp>

namespace docpipe::space_aligned {

namespace {
// A key of fewer bytes (one CJK character) says nothing about a table.
constexpr size_t kMinKeyBytes = 6;
// The score a region needs, and by which it must lead the next table.
constexpr double kMinScore = 2.0;
constexpr double kLead = 1.0;

// The first kMinKeyBytes bytes of `s` (at least that long) as one number.
uint64_t prefix_of(std::string_view s) {
  uint64_t v = 0;
  std::memcpy(&v, s.data(), kMinKeyBytes);
  return v;
}

void add_unique(std::vector<size_t> &v, size_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// The index of the one highest score of at least `min` that leads the next
// by `lead`, or scores.size().
size_t clear_best(const std::vector<double> &scores, double min, double lead) {
  size_t best = scores.size();
  double top = 0, second = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > top) {
      second = top;
      top = scores[i];
      best = i;
    } else if (scores[i] > second) {
      second = scores[i];
    }
  }
  return best < scores.size() && top >= min && top - second >= lead ? best : scores.size();
}
}  // namespace

Shapes::Shapes(const sdk::ShapeHints &hints) {
  std::map<std::string, size_t> table_of_id;
  std::map<std::string, Key> keys;
  for (const sdk::HintTable &t : hints.tables) {
    auto [it, fresh] = table_of_id.try_emplace(t.id, tables_.size());
    if (fresh) tables_.push_back({t.id, 0, 0});
    const size_t at = it->second;
    Table &table = tables_[at];
    const size_t layout = layouts_.size();
    Layout &l = layouts_.emplace_back();
    l.table = at;
    // Every layout of the table counts: columns fixed only when all agree.
    const bool one_section = t.sections.size() == 1;
    const int first = t.sections.empty() ? 0 : static_cast<int>(t.sections.front().columns.size());
    if (fresh)
      table.fixed_columns = one_section ? first : 0;
    else if (!one_section || table.fixed_columns != first)
      table.fixed_columns = 0;
    auto add = [&](const std::string &key) {
      if (key.size() < kMinKeyBytes) return;
      Key &k = keys[key];
      k.key = key;
      add_unique(k.tables, at);
      add_unique(k.layouts, layout);
    };
    add(sdk::label_key(t.name));
    for (const auto &h : t.header_labels) add(sdk::label_key(h));
    for (const sdk::HintSection &s : t.sections) {
      const int columns = static_cast<int>(s.columns.size());
      table.max_columns = std::max(table.max_columns, columns);
      if (!s.label.empty()) {
        l.section_columns[sdk::label_key(s.label)] = columns;
        section_titles_.insert(sdk::label_key(s.label));
      }
      add(sdk::label_key(s.label));
      for (const sdk::HintColumn &c : s.columns) {
        for (const auto &lab : c.labels) add(sdk::label_key(lab));
        for (const auto &k : c.keys) add(k);
      }
      for (const sdk::HintRow &r : s.rows) {
        for (const auto &g : r.groups) add(sdk::label_key(g));
        for (const auto &k : r.keys) add(k);
      }
    }
  }
  for (auto &[key, k] : keys) keys_.push_back(std::move(k));
  for (size_t i = 0; i < keys_.size(); ++i) by_prefix_[prefix_of(keys_[i].key)].push_back(i);
}

TableShape Shapes::of(std::string_view labels_key) const {
  std::vector<const Key *> present;
  std::vector<double> score(tables_.size(), 0);
  // The keys that occur in `labels_key`: every occurrence starts at a byte
  // window holding some key's prefix. A UTF-8 continuation byte starts no
  // key (both are valid UTF-8), so those windows are skipped.
  std::vector<char> found(keys_.size(), 0);
  for (size_t p = 0; p + kMinKeyBytes <= labels_key.size(); ++p) {
    if ((static_cast<unsigned char>(labels_key[p]) & 0xC0) == 0x80) continue;
    const auto it = by_prefix_.find(prefix_of(labels_key.substr(p)));
    if (it == by_prefix_.end()) continue;
    for (size_t i : it->second) found[i] = found[i] || labels_key.substr(p).starts_with(keys_[i].key);
  }
  // In key order, as the scores are sums of fractions.
  for (size_t i = 0; i < keys_.size(); ++i)
    if (found[i]) {
      const Key &k = keys_[i];
      present.push_back(&k);
      for (size_t t : k.tables) score[t] += 1.0 / static_cast<double>(k.tables.size());
    }
  const size_t best = clear_best(score, kMinScore, kLead);
  if (best == tables_.size()) return {};
  TableShape out;
  out.fixed_columns = tables_[best].fixed_columns;
  out.max_columns = tables_[best].max_columns;
  // Its layout: by the labels that tell its layouts apart.
  std::vector<double> by_layout(layouts_.size(), 0);
  for (const Key *k : present) {
    size_t of_this = 0;
    for (size_t l : k->layouts) of_this += layouts_[l].table == best;
    for (size_t l : k->layouts)
      if (layouts_[l].table == best) by_layout[l] += 1.0 / static_cast<double>(of_this);
  }
  if (const size_t layout = clear_best(by_layout, 0, kLead); layout < layouts_.size())
    out.section_columns = layouts_[layout].section_columns;
  return out;
}

}  // namespace docpipe::space_aligned
