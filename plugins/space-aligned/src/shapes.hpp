// What the reader knows of the official tables' shapes, and only from the
// shape hints the host passes (formats/HINTS.md): which table a region is,
// told by the template labels its text shows, and how many value columns its
// data rows have. A new template year or table variant is new hints, not code.
#pragma once

#include <docpipe/sdk/shape_hints.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace docpipe::space_aligned {

struct TableShape {
  // The value columns of every data row, when every layout of the table has
  // one section of that many columns; 0 when its sections differ or the
  // table is not known.
  int fixed_columns = 0;
  // The most value columns of any section of the table; 0: not known.
  int max_columns = 0;
};

class Shapes {
 public:
  explicit Shapes(const sdk::ShapeHints &hints);

  // The shape of the table whose labels `labels_key` shows (the label keys
  // of a region's label words, joined): the table id whose distinctive
  // labels it holds most (a label shared by several tables counts for each
  // in part), when that is clear; an empty shape otherwise.
  TableShape of(std::string_view labels_key) const;

 private:
  struct Table {
    std::string id;
    TableShape shape;
  };
  std::vector<Table> tables_;  // one per table id
  struct Key {
    std::string key;
    std::vector<size_t> tables;  // indices into tables_
  };
  std::vector<Key> keys_;
};

}  // namespace docpipe::space_aligned
