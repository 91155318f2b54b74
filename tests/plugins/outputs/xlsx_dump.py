"""Dumps an .xlsx as tab-separated lines for output_plugins_test.cpp.

Run with Debian's /usr/bin/python3 (python3-openpyxl). One line per fact:
  sheet  NAME
  freeze NAME CELL          (the top-left unfrozen cell, "" when none)
  merge  NAME RANGE
  width  NAME COLUMN WIDTH
  cell   NAME COORD TYPE VALUE   (only cells with a value; TYPE is openpyxl's
                                  data_type: n number, s string, f formula)
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
    sys.stdout.write("".join("\t".join(f) + "\n" for f in out))


if __name__ == "__main__":
    main(sys.argv[1])
