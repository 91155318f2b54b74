#!/usr/bin/python3
"""Builds a .docx of each seed's three template tables, laid out like the
official template (国办公开办函〔2019〕60号 / 〔2021〕30号), from the seed's truth
(tests/e2e/seeds/*.truth.json) and the template file (formats/templates/ID.xml).

    make_docx.py SOURCE_DIR OUT_DIR  ->  OUT_DIR/STEM.docx for each seed

Merged cells are real Word merges (python-docx writes w:gridSpan and
w:vMerge): the section rows of 主动公开 span the table, the label columns of
收到和处理 are merged vertically per group, and the column headers of both other
tables are merged as in the template. Header labels carry a line break
(w:br) or a second paragraph, a heading and a label cell carry bookmarks, a
narrative paragraph a TAB: what the docx plugin must read or ignore.

Run with Debian's /usr/bin/python3 (python3-docx)."""
import glob, json, os, sys
import xml.etree.ElementTree as ET

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def add_bookmark(paragraph, name, ident):
    """Wraps the paragraph's content in a bookmark, as Word's _GoBack is."""
    start = OxmlElement('w:bookmarkStart')
    start.set(qn('w:id'), str(ident))
    start.set(qn('w:name'), name)
    end = OxmlElement('w:bookmarkEnd')
    end.set(qn('w:id'), str(ident))
    p = paragraph._p
    ppr = p.find(qn('w:pPr'))
    p.insert(1 if ppr is not None else 0, start)
    p.append(end)


def fill(cell, content):
    """content: a string (one paragraph; '\\n' is a line break inside it) or
    a list of strings (several paragraphs)."""
    paragraphs = content if isinstance(content, list) else [content]
    p = cell.paragraphs[0]
    for i, text in enumerate(paragraphs):
        if i:
            p = cell.add_paragraph()
        parts = text.split('\n')
        run = p.add_run(parts[0])
        for part in parts[1:]:
            run.add_break()
            run.add_text(part)
    return p


def build(doc, rows, cols, rects):
    """rects: (row, col, rowspan, colspan, content); every grid cell not
    covered stays empty."""
    t = doc.add_table(rows=rows, cols=cols)
    t.style = 'Table Grid'
    cells = {}
    for r, c, rs, cs, content in rects:
        cell = t.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
        cells[(r, c)] = cell
        if content != '':
            fill(cell, content)
    return t, cells


def column_tree(node):
    """[(label, children or None)] of a template table's columns and groups."""
    out = []
    for ch in node:
        if ch.tag == 'column':
            out.append((ch.get('label'), None))
        elif ch.tag == 'group' and any(x.tag in ('column', 'group') for x in ch.iter() if x is not ch) \
                and not any(x.tag == 'row' for x in ch.iter()):
            out.append((ch.get('label'), column_tree(ch)))
    return out


def leaves(tree, prefix=()):
    for label, kids in tree:
        if kids is None:
            yield prefix + (label,)
        else:
            yield from leaves(kids, prefix + (label,))


def depth(tree):
    return max((1 if kids is None else 1 + depth(kids)) for label, kids in tree)


def row_leaves(node, prefix=()):
    """Row paths (group labels + row label), in template order."""
    for ch in node:
        if ch.tag == 'row':
            yield prefix + (ch.get('label'),)
        elif ch.tag == 'group' and any(x.tag == 'row' for x in ch.iter()):
            yield from row_leaves(ch, prefix + (ch.get('label'),))


def value_of(truth, table, row, col):
    v = truth.get((table, row, col))
    return '' if v is None else v


def active_table(doc, tab, truth):
    """主动公开: per section a row spanning the table, a header row and its rows;
    value cells follow the item label, the last one widened to the grid."""
    name = tab.get('name')
    header_label = tab.findtext('header-label') or '信息内容'
    sections = tab.findall('section')
    width = 1 + max(len(s.findall('column')) for s in sections)
    rects, r = [], 0
    for si, s in enumerate(sections):
        label = s.get('label')
        rects.append((r, 0, 1, width, label))
        r += 1
        cols = [c.get('label') for c in s.findall('column')]
        rects.append((r, 0, 1, 1, header_label))
        for i, c in enumerate(cols):
            text = c
            if c == '本年新制作数量':
                text = '本年新\n制作数量'          # a w:br inside the cell
            elif c == '本年新公开数量':
                text = ['本年新', '公开数量']       # two paragraphs
            span = width - 1 - i if i == len(cols) - 1 else 1
            rects.append((r, 1 + i, 1, span, text))
        r += 1
        for row in s.findall('row'):
            path = label + '/' + row.get('label')
            rects.append((r, 0, 1, 1, row.get('label')))
            for i, c in enumerate(cols):
                span = width - 1 - i if i == len(cols) - 1 else 1
                rects.append((r, 1 + i, 1, span, value_of(truth, name, path, c)))
            r += 1
    t, cells = build(doc, r, width, rects)
    # a bookmark in a label cell (Word's _GoBack leaks into Tika's text)
    add_bookmark(cells[(1 if len(sections) else 0, 0)].paragraphs[0], '_GoBack', 90)


def grid_table(doc, tab, truth):
    """收到和处理 / 行政复议、行政诉讼: the label columns on the left (merged
    vertically per group), the header rows above the value columns (merged
    as the column groups), values at the end of each row."""
    name = tab.get('name')
    tree = column_tree(tab)
    col_paths = list(leaves(tree))
    ncols = len(col_paths)
    row_paths = list(row_leaves(tab))
    label_depth = max(len(p) for p in row_paths) if any(p != ('',) for p in row_paths) else 0
    header_labels = [h.text for h in tab.findall('header-label')]
    title_rows = header_labels[1:] if label_depth else header_labels
    levels = depth(tree)
    header_rows = len(title_rows) + levels
    rects = []
    if label_depth:
        rects.append((0, 0, header_rows, label_depth, header_labels[0] if header_labels else ''))
    for i, title in enumerate(title_rows):
        rects.append((i, label_depth, 1, ncols, title))

    def place(subtree, level, col):
        for label, kids in subtree:
            r = len(title_rows) + level
            if kids is None:
                rects.append((r, col, levels - level, 1, label))
                col += 1
            else:
                n = len(list(leaves(kids)))
                rects.append((r, col, 1, n, label))
                place(kids, level + 1, col)
                col += n
        return col

    place(tree, 0, label_depth)
    r = header_rows
    for i, path in enumerate(row_paths):
        if label_depth:
            # a group label: one cell merged down over its rows
            for level in range(len(path) - 1):
                if i == 0 or row_paths[i - 1][:level + 1] != path[:level + 1]:
                    n = sum(1 for p in row_paths[i:] if p[:level + 1] == path[:level + 1])
                    label = path[level]
                    if label == '（三）不予公开':
                        label = ['（三）不予', '', '公开']  # an empty paragraph inside the cell
                    rects.append((r, level, n, 1, label))
            rects.append((r, len(path) - 1, 1, label_depth - len(path) + 1, path[-1]))
        row = '/'.join(p for p in path if p)
        for j, cp in enumerate(col_paths):
            rects.append((r, label_depth + j, 1, 1, value_of(truth, name, row, '/'.join(cp))))
        r += 1
    build(doc, r, label_depth + ncols, rects)


def make(seed_truth, templates_dir, out_path):
    truth = json.load(open(seed_truth, encoding='utf-8'))
    tmpl = ET.parse(os.path.join(templates_dir, truth['template'] + '.xml')).getroot()
    cells = {(c['table'], c['row'], c['column']): c['value'] for c in truth['cells']}
    doc = docx.Document()
    title = doc.add_heading(truth.get('title') or '政府信息公开工作年度报告', level=0)
    add_bookmark(title, '_Toc1', 1)
    doc.add_heading('一、总体情况', level=1)
    p = doc.add_paragraph('本报告根据《中华人民共和国政府信息公开条例》编制。')
    p.add_run().add_tab()
    p.add_run('所列数据的统计期限自1月1日起至12月31日止。')
    numbers = ['二', '三', '四']
    for i, tab in enumerate(tmpl.findall('table')):
        doc.add_heading(f'{numbers[i]}、{tab.get("name")}', level=1)
        if tab.get('values') == 'start':
            active_table(doc, tab, cells)
        else:
            grid_table(doc, tab, cells)
    doc.add_heading('五、存在的主要问题及改进情况', level=1)
    doc.add_paragraph('无。')
    doc.add_paragraph(truth.get('agency') or '')
    doc.save(out_path)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.truth.json')))
    for s in seeds:
        stem = os.path.basename(s)[:-len('.truth.json')]
        make(s, os.path.join(src, 'formats/templates'), os.path.join(out, stem + '.docx'))
    print(f'{len(seeds)} docx fixtures in {out}')


if __name__ == '__main__':
    main()
