// Recovery of one table region: sections, header cells, logical rows, label
// cells and the column of every value.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <vector>

#include "lines.hpp"
#include "shapes.hpp"

namespace docpipe::space_aligned {

struct Region {
  int first = 0;  // index into the line vector, inclusive
  int last = 0;
};

// Builds the Table of `region` into `doc` (as one table block); `shapes`
// tells the official table it is, if any (value columns per row).
void build_table(const std::vector<Line> &lines, const Region &region, int metric, const Shapes &shapes,
                 sdk::RawDocument &doc);

}  // namespace docpipe::space_aligned
