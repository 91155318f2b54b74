"""Dumps an .xlsx as tab-separated lines for output_plugins_test.cpp.

Run with Debian's /usr/bin/python3 (python3-openpyxl). One line per fact:
  sheet  NAME
  freeze NAME CELL          (the top-left unfrozen cell, "" when none)
  merge  NAME RANGE
  width  NAME COLUMN WIDTH
  cell   NAME COORD TYPE VALUE   (only cells with a value; TYPE is openpyxl's
                                  data_type: n number, s string, f formula)
  fill   NAME COORD RGB     (cells with a solid fill)
  comment NAME COORD TEXT
  height NAME ROW POINTS    (rows with a set height)
  print  NAME KEY VALUE     (orientation, paper, fitToPage, fitToWidth,
                             fitToHeight, titles: the rows repeated on each page)
Backslash, TAB and LF inside values are escaped as \\ \t \n.
"""
import sys

import openpyxl


def esc(v):
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main(path):
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        out.append(("sheet", ws.title))
    for ws in wb.worksheets:
        out.append(("freeze", ws.title, ws.freeze_panes or ""))
        for rng in ws.merged_cells.ranges:
            out.append(("merge", ws.title, str(rng)))
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                out.append(("width", ws.title, letter, repr(dim.width)))
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out.append(("cell", ws.title, c.coordinate, c.data_type, esc(c.value)))
                if c.fill is not None and c.fill.fill_type == "solid":
                    out.append(("fill", ws.title, c.coordinate, str(c.fill.fgColor.rgb)))
                if c.comment is not None:
                    out.append(("comment", ws.title, c.coordinate, esc(c.comment.text)))
        for r, dim in ws.row_dimensions.items():
            if dim.height is not None:
                out.append(("height", ws.title, str(r), repr(dim.height)))
        ps = ws.page_setup
        pr = ws.sheet_properties.pageSetUpPr
        for key, value in (("orientation", ps.orientation), ("paper", ps.paperSize),
                           ("fitToPage", pr.fitToPage if pr is not None else None),
                           ("fitToWidth", 1 if ps.fitToWidth is None else ps.fitToWidth),  # absent: 1 ("fitToHeight", ps.fitToHeight),
                           ("titles", ws.print_title_rows)):
            if value is not None:
                out.append(("print", ws.title, key, str(value)))
    sys.stdout.write("".join("\t".join(f) + "\n" for f in out))


if __name__ == "__main__":
    main(sys.argv[1])
