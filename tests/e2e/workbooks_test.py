#!/usr/bin/python3
"""Every workbook docpipe writes, as a person opens and prints it.

Inputs: the sample reports, a 2021-format report, a sample report with one
number changed so that two accounting identities fail, and one whose last
table row lacks three cells (its values are placed by alignment). The workbooks of
`convert` (every sheet), of `run` (the pipeline's sheets) and the run's
summary.xlsx are

- parsed (the sheet XML with zipfile, and openpyxl): summary.xlsx has the
  review sheet first, naming the failing report, its failed identities and
  each cell they add up with its source line, numbers as numbers; its checks
  sheet lists the failures. A per-report workbook prints landscape on A4,
  one page wide (pageSetup fitToPage, fitToHeight 0, no row breaks) with its
  header rows repeated; 收到和处理 has the form's 申请人情况 band and its
  勾稽关系 note; the 2021 （六） labels get the rows they need; the cells of a
  failed identity are red with a comment naming it; checks lists failures
  first; metadata numbers are numbers;
- opened by LibreOffice (headless, converted to PDF; skipped when LibreOffice
  Calc is not installed): the conversion succeeds, each template table is
  one landscape page of its own, and the text shows what the sheets hold.
"""
import glob, os, re, shutil, subprocess, sys, tempfile, zipfile
import xml.etree.ElementTree as ET

import openpyxl

import runs

exe, src = sys.argv[1], sys.argv[2]
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
report_2021 = os.path.join(src, 'tests/e2e/fixtures/variants/343_648ecf46a8ef38c1.txt')
pipeline = os.path.join(src, 'pipelines/annual-reports.xml')
NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
TEMPLATE_TABLES = ['主动公开政府信息情况', '收到和处理政府信息公开申请情况', '政府信息公开行政复议、行政诉讼情况']
NOTE = '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）'
failures = []


check = runs.checker(failures)


def sheet_xml(path):
    """{sheet name: (worksheet XML root, its Print_Titles or None)} read with zipfile."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read('xl/workbook.xml'))
        rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
        target = {r.get('Id'): r.get('Target') for r in rels}
        sheets = book.findall('m:sheets/m:sheet', NS)
        titles = {}
        for d in book.findall('m:definedNames/m:definedName', NS):
            if d.get('name') == '_xlnm.Print_Titles':
                titles[int(d.get('localSheetId'))] = d.text
        out = {}
        for i, s in enumerate(sheets):
            rid = s.get('{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id')
            out[s.get('name')] = (ET.fromstring(z.read('xl/' + target[rid])), titles.get(i))
        return out


def check_print_layout(path, name, root, titles, header_rows):
    where = f'{os.path.basename(path)} {name}'
    pr = root.find('m:sheetPr/m:pageSetUpPr', NS)
    setup = root.find('m:pageSetup', NS)
    check(pr is not None and pr.get('fitToPage') == '1', f'{where}: not fitted to the page')
    check(setup is not None and setup.get('orientation') == 'landscape', f'{where}: not landscape')
    check(setup is not None and setup.get('fitToWidth', '1') == '1' and setup.get('fitToHeight') == '0',
          f'{where}: not one page wide ({None if setup is None else setup.attrib})')
    check(setup is not None and setup.get('paperSize') == '9', f'{where}: paper is not A4')
    check(root.find('m:rowBreaks', NS) is None, f'{where}: manual page breaks')
    want = f"'{name}'!$1:${header_rows}" if header_rows else None
    check(titles in (want, want and want.replace(f"'{name}'", name)),
          f'{where}: repeated rows {titles}, want the {header_rows} header rows')


def row_heights(root):
    return {int(r.get('r')): float(r.get('ht')) for r in root.findall('m:sheetData/m:row', NS) if r.get('ht')}


def check_report_workbook(path, failing, year_2021):
    """One per-report workbook: print layout, the form's band and note, row
    heights, failed identity marks, checks order, numbers as numbers."""
    sheets = sheet_xml(path)
    wb = openpyxl.load_workbook(path)
    base = os.path.basename(path)
    for name in TEMPLATE_TABLES:
        check(name in sheets, f'{base}: no sheet {name}')
        if name not in sheets:
            continue
        ws = wb[name]
        header_rows = int(re.match(r'[A-Z]+(\d+)', ws.freeze_panes).group(1)) - 1
        check_print_layout(path, name, *sheets[name], header_rows)
    ws = wb['收到和处理政府信息公开申请情况']
    merged = {str(m): m for m in ws.merged_cells.ranges}
    check(ws['A1'].value == NOTE and 'A1:C3' in merged or ws['A1'].value == NOTE and any(
        k.startswith('A1:') and merged[k].max_row == 3 for k in merged), f'{base}: corner note {ws["A1"].value!r}')
    band = next((m for m in ws.merged_cells.ranges if m.min_row == m.max_row == 1 and m.min_col > 1), None)
    check(band is not None and ws.cell(1, band.min_col).value == '申请人情况' and band.max_col == ws.max_column,
          f'{base}: the band 申请人情况 is not a header row over every value column ({band})')
    check(ws.freeze_panes.endswith('4'), f'{base}: three header rows under the band? frozen at {ws.freeze_panes}')
    if year_2021:
        # the （六） labels wrap: their rows are made tall enough
        heights = row_heights(sheets['收到和处理政府信息公开申请情况'][0])
        rows = [r for r in range(1, ws.max_row + 1) for c in range(1, 5)
                if str(ws.cell(r, c).value or '').startswith(('1.申请人无正当理由', '2.申请人逾期未按'))]
        check(len(rows) == 2, f'{base}: the 2021 （六） rows not found ({rows})')
        for r in rows:
            check(heights.get(r, 15) >= 30, f'{base}: row {r} ({ws.cell(r, 3).value}) {heights.get(r)} pt high')
    red = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row
           if c.fill is not None and c.fill.fill_type == 'solid' and 'FFC7CE' in str(c.fill.fgColor.rgb)}
    commented = {c.coordinate for row in ws.iter_rows() for c in row if c.comment is not None}
    if failing:
        check(len(red) >= 4 and set(red) == commented, f'{base}: failed identity cells {red}')
        check(any('identity balance fails in column 自然人: expected 7, actual 0' in (t or '') for t in red.values()),
              f'{base}: no comment names the failed identity balance: {list(red.values())[:2]}')
    else:
        check(not red and not commented, f'{base}: cells marked though every identity holds: {red}')
    checks = [row for row in wb['checks'].iter_rows(min_row=2, values_only=True)]
    results = [row[4] for row in checks]
    check(results == sorted(results, key=lambda x: x != 'fail'), f'{base}: checks not failures first: {results[:5]}')
    check(('fail' in results) == failing, f'{base}: checks results {set(results)}')
    check(all(isinstance(row[5], (int, float)) and isinstance(row[6], (int, float)) for row in checks),
          f'{base}: expected/actual stored as text')
    meta = {row[0]: row[1] for row in wb['metadata'].iter_rows(values_only=True)}
    for field in ('bytes', 'report year', 'input confidence'):
        check(isinstance(meta.get(field), (int, float)), f'{base}: metadata {field} = {meta.get(field)!r} not a number')
    return wb.sheetnames


def check_summary(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames[0] == 'review', f'summary.xlsx: first sheet {wb.sheetnames[0]}')
    if 'review' not in wb.sheetnames:
        return
    rows = list(wb['review'].iter_rows(values_only=True))
    head = list(rows[0])
    check(head == ['file', 'agency', 'year', 'reasons', 'table', 'row', 'column', 'value', 'state', 'source line',
                   'why'], f'summary review header {head}')
    col = {h: i for i, h in enumerate(head)}
    bad = [r for r in rows[1:] if r[0] == 'bad_000.txt']
    others = {r[0] for r in rows[1:]} - {'bad_000.txt', 'short_001.txt'}
    check(not others, f'summary review lists reports whose verdict is ok: {others}')
    check(bad and bad[0][col['reasons']] and 'accounting identities fail' in bad[0][col['reasons']],
          f'summary review: the failing report first row {bad[:1]}')
    cells = {(r[col['row']], r[col['column']]): r for r in bad if r[col['source line']] is not None}
    new = cells.get(('一、本年新收政府信息公开申请数量', '自然人'))
    check(new is not None and new[col['value']] == 7 and isinstance(new[col['source line']], int)
          and 'identity balance fails' in new[col['why']] and 'identity row_total fails' in new[col['why']],
          f'summary review: the changed cell {new}')
    # every term of both failed identities: the row's 7 cells, and 二, （七）总计, 四 of column 自然人
    check(len(cells) == 10, f'summary review: {len(cells)} cells of the failed identities, want 10: {sorted(cells)}')
    check(all(isinstance(r[col['year']], int) for r in bad), 'summary review: year stored as text')
    # the report with a short row: its values placed by alignment, each with its source line; blanks not listed
    short = [r for r in rows[1:] if r[0] == 'short_001.txt']
    check(short and 'placed by alignment' in (short[0][col['reasons']] or ''), f'summary review: {short[:1]}')
    aligned = [r for r in short[1:] if (r[col['why']] or '').startswith('aligned:')]
    check(len(aligned) == 12 and len(short) == 13 and all(
        r[col['state']] != 'blank' and isinstance(r[col['source line']], int) and r[col['table']] ==
        '政府信息公开行政复议、行政诉讼情况' for r in aligned), f'summary review: the aligned cells {short}')
    check(all(isinstance(r[col['value']], int) for r in aligned if r[col['state']] == 'number'),
          'summary review: values stored as text')
    checks = list(wb['checks'].iter_rows(min_row=2, values_only=True))
    check(sorted(c[1] for c in checks) == ['balance', 'row_total'] and all(c[0] == 'bad_000.txt' for c in checks),
          f'summary checks {checks}')
    check(all(isinstance(c[5], (int, float)) and isinstance(c[6], (int, float)) for c in checks),
          'summary checks: sums stored as text')


def libreoffice(paths, tmp):
    """Converts the workbooks to PDF with LibreOffice; {path: pdf} or None when not installed."""
    soffice = shutil.which('soffice')
    if not soffice or not glob.glob('/usr/lib/libreoffice/program/libsc*.so'):
        return None
    pdfs = {}
    by_folder = {}
    for p in paths:  # one call per folder: a folder's workbooks have different names
        by_folder.setdefault(os.path.dirname(p), []).append(p)
    for i, (folder, files) in enumerate(sorted(by_folder.items())):
        d = os.path.join(tmp, 'pdf', str(i))
        r = subprocess.run([soffice, f'-env:UserInstallation=file://{tmp}/lo-profile', '--headless', '--convert-to',
                            'pdf', '--outdir', d, *files], capture_output=True, text=True, timeout=600)
        check(r.returncode == 0, f'LibreOffice failed on {folder}: {r.stderr[-300:]}')
        for p in files:
            pdf = os.path.join(d, os.path.splitext(os.path.basename(p))[0] + '.pdf')
            check(os.path.exists(pdf), f'LibreOffice could not open {p}: {r.stderr[-300:]}')
            pdfs[p] = pdf
    return pdfs


def pages(pdf):
    """[(the page's first line: the sheet name printed over it, its text, landscape)]."""
    info = subprocess.run(['pdfinfo', '-f', '1', '-l', '1000', pdf], capture_output=True, text=True).stdout
    sizes = [tuple(map(float, m)) for m in re.findall(r'Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)', info)]
    out = []
    for i, (w, h) in enumerate(sizes, 1):
        text = subprocess.run(['pdftotext', '-f', str(i), '-l', str(i), '-layout', pdf, '-'], capture_output=True,
                              text=True).stdout
        lines = [l.strip() for l in text.splitlines() if l.strip()]
        out.append((lines[0] if lines else '', text, w > h))
    return out


with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, 'in')
    os.makedirs(inp)
    for s in seeds:
        shutil.copy(s, inp)
    shutil.copy(report_2021, inp)
    # one number changed: 一、本年新收 of 自然人 0 -> 7, so row_total and balance fail
    text = open(seeds[0], encoding='utf-8').read()
    at = text.index('\t0', text.index('一、本年新收政府信息公开申请数量'))
    open(os.path.join(inp, 'bad_000.txt'), 'w', encoding='utf-8').write(text[:at] + '\t7' + text[at + 2:])
    # the last three cells of the last table's row left out
    lines = open(seeds[1], encoding='utf-8').read().split('\n')
    end = max(i for i, line in enumerate(lines) if line == '\t0')
    open(os.path.join(inp, 'short_001.txt'), 'w', encoding='utf-8').write('\n'.join(lines[:end - 2] + lines[end + 1:]))
    stem_2021 = os.path.splitext(os.path.basename(report_2021))[0]

    conv = os.path.join(tmp, 'convert')
    r, _ = runs.run_docpipe(exe, 'convert', *sorted(glob.glob(os.path.join(inp, '*.txt'))), '-o', conv, '-t', 'xlsx')
    check(r.returncode == 2 or r.returncode == 0, f'convert: exit {r.returncode}: {r.stderr[-300:]}')
    out = os.path.join(tmp, 'run')
    r, s = runs.run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '-j', '1')
    check(s and s['converted'] == len(seeds) + 3 and s['review'] == 2, f'run: {s} {r.stderr[-300:]}')

    workbooks = sorted(glob.glob(os.path.join(conv, '*.xlsx'))) + sorted(glob.glob(os.path.join(out, '*.xlsx')))
    check(len(workbooks) == 2 * (len(seeds) + 3) + 1, f'workbooks written: {workbooks}')
    for path in workbooks:
        if os.path.basename(path) != 'summary.xlsx':
            name = os.path.basename(path)
            check_report_workbook(path, name.startswith('bad_'), name.startswith(stem_2021))
    check_summary(os.path.join(out, 'summary.xlsx'))

    pdfs = libreoffice(workbooks, tmp)
    if pdfs is None:
        print('LibreOffice Calc not installed: the workbooks were not opened in it (skipped)')
    else:
        for path, pdf in pdfs.items():
            if not os.path.exists(pdf):
                continue
            base = os.path.basename(path)
            got = pages(pdf)
            text = '\n'.join(t for _, t, _ in got)
            if base == 'summary.xlsx':
                for want in ['review', 'bad_000.txt', 'identity balance fails in column 自然人', 'row_total', '主动公开政府信息情况']:
                    check(want in text, f'the PDF of summary.xlsx lacks {want!r}')
                continue
            for name in TEMPLATE_TABLES:
                mine = [(i, landscape) for i, (first, _, landscape) in enumerate(got) if first == name]
                # each template table on one landscape page of its own, as in the official form
                check(len(mine) == 1 and all(l for _, l in mine), f'{base}: {name} printed on {mine} (page, landscape)')
            check(not any(first == 'checks' for first, _, _ in got) or 'identity' in text, f'{base}: checks page')
            for want in ['申请人情况', '勾稽关系为', '一、本年新收政府信息公开申请数量', '第二十条第（一）项', '行政复议']:
                check(want in text, f'the PDF of {base} lacks {want!r}')
            if base.startswith(stem_2021):
                check('申请人无正当理由' in text, f'the PDF of {base} lacks the 2021 （六） labels')

if failures:
    print('\n'.join(failures))
    sys.exit(1)
print(f'ok: {len(workbooks)} workbooks parsed' + ('' if pdfs is None else ' and opened in LibreOffice'))
