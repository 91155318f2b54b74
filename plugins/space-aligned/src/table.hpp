// Recovery of one table region: sections, header cells, logical rows, label
// cells and the column of every value.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <vector>

#include "lines.hpp"

namespace docpipe::space_aligned {

// Which official table a region is, when its text says so. The shape of each
// (how many value columns a data row has) is generic knowledge of the
// 政府信息公开工作年度报告 formats, used as one piece of column evidence.
enum class TableKind { unknown, active /*主动公开*/, requests /*收到和处理*/, appeals /*复议、诉讼*/ };

struct Region {
  int first = 0;  // index into the line vector, inclusive
  int last = 0;
};

// Builds the Table of `region` into `doc` (as one table block).
void build_table(const std::vector<Line> &lines, const Region &region, int metric, sdk::RawDocument &doc);

}  // namespace docpipe::space_aligned
