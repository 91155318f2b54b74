// What the reader knows of the official tables' shapes, and only from the
// shape hints the host passes (formats/HINTS.md): which table a region is,
// told by the template labels its text shows, and how many value columns its
// data rows have. A new template year or table variant is new hints, not code.
#pragma once

#include <cstdint>
#include <docpipe/sdk/shape_hints.hpp>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace docpipe::space_aligned {

struct TableShape {
  // The value columns of every data row, when every layout of the table has
  // one section of that many columns; 0 when its sections differ or the
  // table is not known.
  int fixed_columns = 0;
  // The most value columns of any section of the table; 0: not known.
  int max_columns = 0;
  // The value columns of each section, by the label key of its title, when
  // the region's labels name one layout of the table (sections of the same
  // title differ between layouts).
  std::map<std::string, int, std::less<>> section_columns;
};

class Shapes {
 public:
  explicit Shapes(const sdk::ShapeHints &hints);

  // The shape of the table whose labels `labels_key` shows (the label keys
  // of a region's label words, joined): the table id whose labels it holds
  // most (a label shared by several tables counts for each in part), when
  // that is clear; then its layout the same way. An empty shape otherwise.
  TableShape of(std::string_view labels_key) const;

  // Whether `key` is the label key of a section of some table (a section
  // title such as 第二十条第（一）项).
  bool is_section_title(std::string_view key) const {
    return !key.empty() && section_titles_.find(key) != section_titles_.end();
  }

 private:
  struct Layout {
    size_t table = 0;  // index into tables_
    std::map<std::string, int, std::less<>> section_columns;
  };
  struct Table {
    std::string id;
    int fixed_columns = 0, max_columns = 0;
  };
  struct Key {
    std::string key;
    std::vector<size_t> tables, layouts;  // indices into tables_ / layouts_
  };
  std::vector<Table> tables_;    // one per table id
  std::vector<Layout> layouts_;  // one per hint table (a layout of a table id)
  std::vector<Key> keys_;
  // keys_ by their first kMinKeyBytes bytes: of() looks up the labels' byte
  // windows instead of searching the labels once per key.
  std::unordered_map<uint64_t, std::vector<size_t>> by_prefix_;
  std::set<std::string, std::less<>> section_titles_;
};

}  // namespace docpipe::space_aligned
