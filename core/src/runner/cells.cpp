#include "runner/cells.hpp"

#include <array>
#include <deque>
#include <unordered_map>

#include "error.hpp"

namespace docpipe::runner {

namespace {

void put_length(std::string &out, size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

[[noreturn]] void bad() { throw Error(ExitCode::internal, "the template cells of a result are damaged"); }

size_t get_length(std::string_view &in) {
  size_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) bad();
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    n |= static_cast<size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return n;
  }
  bad();
}

}  // namespace

// Each field is a LEB128 number: 2k+1 for the k-th distinct text seen so far
// in this list, or 2n followed by n bytes for a new one. The labels of a
// table's cells repeat (a row path once per column, a column path once per
// row, one table name), so a report's cells take some 6 KB, not 35.
namespace {
class Encoder {
 public:
  static constexpr size_t kFields = 9;  // a cell's fields, in the order they are written
  explicit Encoder(std::string &out) : out_(out) { seen_.reserve(256); }
  // The field at `slot` of a cell. Cells in a row repeat a slot's text (the
  // table, the row path, the state), so the slot's last text is compared
  // before the table is searched: the same numbers either way. `f` must stay
  // valid until the encoder is gone (it is a key of seen_).
  void field(size_t slot, std::string_view f) {
    Last &last = last_[slot];
    if (last.index != kNone && last.text == f) {
      put_length(out_, 2 * last.index + 1);
      return;
    }
    const auto [it, fresh] = seen_.emplace(f, seen_.size());
    last = {it->first, it->second};
    if (!fresh) {
      put_length(out_, 2 * it->second + 1);
      return;
    }
    put_length(out_, 2 * f.size());
    out_.append(f);
  }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  struct Last {
    std::string_view text;
    size_t index = kNone;
  };
  std::string &out_;
  std::unordered_map<std::string_view, size_t> seen_;
  std::array<Last, kFields> last_{};
};
}  // namespace

void encode_cells(const std::vector<Cell> &cells, std::string &out) {
  put_length(out, cells.size());
  Encoder e(out);
  for (const Cell &c : cells) {
    size_t slot = 0;
    for (const std::string *f :
         {&c.table, &c.row, &c.column, &c.value, &c.state, &c.number, &c.unit, &c.source_line, &c.placement})
      e.field(slot++, *f);
  }
}

void encode_cells(const sdk::model::Document &doc, std::string &out) {
  namespace sm = sdk::model;
  put_length(out, doc.records.size());
  Encoder e(out);
  std::deque<std::string> lines;  // the source lines as text, alive as long as `e`
  for (const sm::Record &r : doc.records) {
    e.field(0, r.table);
    e.field(1, r.row);
    e.field(2, r.column);
    e.field(3, r.value);
    e.field(4, sm::state_name(r.state));
    e.field(5, r.state == sdk::ValueState::number ? std::string_view(r.number) : std::string_view());
    e.field(6, r.unit);
    if (r.lines.first > 0) {
      lines.push_back(std::to_string(r.lines.first));
      e.field(7, lines.back());
    } else {
      e.field(7, {});
    }
    e.field(8, sm::placement_name(r.placement));
  }
}

namespace {
// Walks the list, checking it: `cells(n)` once with the count, then
// `field(slot, text_index, fresh, text)` for each of a cell's nine fields
// (slot 0..8 in Cell order); `text` is only the text's bytes when `fresh`
// (the first time it comes), as later fields name it by index.
template <class Cells, class Field>
void walk(std::string_view in, Cells &&cells, Field &&field) {
  if (in.empty()) return cells(0);
  const size_t n = get_length(in);
  if (n > in.size() / 9) bad();  // every cell takes at least nine bytes
  cells(n);
  size_t seen = 0;  // distinct texts so far
  for (size_t i = 0; i < n; ++i)
    for (size_t slot = 0; slot < 9; ++slot) {
      // Most fields are one byte: a reference to one of the first 64 texts.
      size_t k;
      if (!in.empty() && static_cast<unsigned char>(in.front()) < 0x80) {
        k = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
      } else {
        k = get_length(in);
      }
      if (k % 2 == 1) {
        if (k / 2 >= seen) bad();
        field(slot, k / 2, false, std::string_view());
        continue;
      }
      if (k / 2 > in.size()) bad();
      field(slot, seen++, true, in.substr(0, k / 2));
      in.remove_prefix(k / 2);
    }
  if (!in.empty()) bad();
}

void view(std::string_view in, std::vector<CellView> &cells, std::vector<std::string_view> &seen,
          std::vector<uint32_t> *fields) {
  seen.clear();
  if (fields != nullptr) fields->clear();
  CellView *c = nullptr;
  walk(
      in,
      [&](size_t n) {
        cells.resize(n);
        c = cells.data();
        seen.reserve(256);
        if (fields != nullptr) fields->reserve(9 * n);
      },
      [&](size_t slot, size_t k, bool fresh, std::string_view text) {
        if (fresh) seen.push_back(text);
        static constexpr std::string_view CellView::*kSlot[] = {
            &CellView::table,  &CellView::row,  &CellView::column,      &CellView::value,    &CellView::state,
            &CellView::number, &CellView::unit, &CellView::source_line, &CellView::placement};
        c->*kSlot[slot] = seen[k];
        if (fields != nullptr) fields->push_back(static_cast<uint32_t>(k));
        if (slot == 8) ++c;
      });
}
}  // namespace

void check_cells(std::string_view in) {
  walk(
      in, [](size_t) {}, [](size_t, size_t, bool, std::string_view) {});
}

void view_cells(std::string_view in, std::vector<CellView> &cells) {
  thread_local std::vector<std::string_view> texts;
  view(in, cells, texts, nullptr);
}

void view_cells(std::string_view in, std::vector<CellView> &cells, std::vector<std::string_view> &texts,
                std::vector<uint32_t> &fields) {
  view(in, cells, texts, &fields);
}

std::vector<Cell> decode_cells(std::string_view in) {
  std::vector<CellView> views;
  view_cells(in, views);
  std::vector<Cell> cells;
  cells.reserve(views.size());
  for (const CellView &v : views)
    cells.push_back({std::string(v.table), std::string(v.row), std::string(v.column), std::string(v.value),
                     std::string(v.state), std::string(v.number), std::string(v.unit), std::string(v.source_line),
                     std::string(v.placement)});
  return cells;
}

}  // namespace docpipe::runner
