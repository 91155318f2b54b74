#!/usr/bin/python3
"""The Python peer of the benchmark: what a short script with XlsxWriter does
with the same texts, a workbook per report. Each text is decoded (UTF-8, else
GB18030), cut into rows (its lines) and cells (at TABs, else at runs of two or
more spaces, as a table laid out in text is), and written to one sheet, a
plain number as a number; nothing is mapped to a template or checked, so the
peer does less than docpipe.

    /usr/bin/python3 tests/bench/python_peer.py INPUT_FOLDER OUTPUT_FOLDER [--in-memory]

XlsxWriter stages a workbook's parts in temporary files (in the system's
temporary folder) as a script written plainly does; --in-memory assembles it
in memory instead.
"""
import os, re, sys

import xlsxwriter

IN_MEMORY = '--in-memory' in sys.argv
SPACES = re.compile(r' {2,}')
NUMBER = re.compile(r'-?\d+(\.\d+)?$')


def cells(line):
    line = line.strip()
    return line.split('\t') if '\t' in line else SPACES.split(line)


def convert(src, dst):
    raw = open(src, 'rb').read()
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        text = raw.decode('gb18030', errors='replace')
    wb = xlsxwriter.Workbook(dst, {'in_memory': IN_MEMORY})
    ws = wb.add_worksheet('report')
    for r, line in enumerate(text.splitlines()):
        for c, v in enumerate(cells(line)):
            if not v:
                continue
            if NUMBER.match(v) and len(v) < 16:
                ws.write_number(r, c, float(v))
            else:
                ws.write_string(r, c, v)
    wb.close()


def main(inp, out):
    for d, _, names in os.walk(inp):
        for n in sorted(names):
            if n.endswith('.txt'):
                rel = os.path.relpath(d, inp)
                os.makedirs(os.path.join(out, rel), exist_ok=True)
                convert(os.path.join(d, n), os.path.join(out, rel, n[:-4] + '.xlsx'))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
