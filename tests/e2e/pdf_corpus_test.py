#!/usr/bin/python3
"""The pdf reader on every PDF of the shared corpus (the LibreOffice PDFs of
originals/ and the real published PDFs of real/).

Two checks:
1. The reader: in each PDF the raw tables (docpipe's model, before any
   template) hold the truth's values in printed order: table by table, the
   value cells of each row (the cells after its last label cell; a place a
   rowspan covers is not a cell) read row by row equal the truth cells of that
   table in the truth's order, blanks included. This does not depend on the
   template stage. The core finds the report's title, agency and year in the
   headings and paragraphs as the truth has them, and the model follows
   formats/model.rng (xmllint).
2. The whole conversion, scored by shared/eval/score.py: strict recall and
   precision must be 100% for every report the template stage maps under its
   truth's template. A report mapped under another template (the hybrid
   reports, table 1 in the 2021 format and table 2 with the 2019 rows, before
   the template stage reads formats per table) is listed, not failed: check 1
   still holds its tables to the printed grid.
Skipped (exit 77) when shared/ is not beside the checkout."""
import glob, json, os, re, subprocess, sys, tempfile, unicodedata
import xml.etree.ElementTree as ET

import scoring

exe, shared, source = sys.argv[1], sys.argv[2], sys.argv[3]
schema = os.path.join(source, 'formats/model.rng')
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
if '  pdf ' not in subprocess.run([exe, 'formats'], capture_output=True, text=True).stdout:
    print('pdf plugin not built: skipped')
    sys.exit(77)

NUMBER = re.compile(r'^[+-]?[0-9０-９][0-9０-９,，.．]*%?$')


def value_like(text):
    t = unicodedata.normalize('NFKC', text or '').strip()
    return t == '' or bool(NUMBER.match(t)) or t in ('/', '-', '—', '无', '×')


def raw_values(table):
    """The value cells of the table, row by row: the cells in the value columns
    of every row with no text there (a header row has); a place a rowspan
    covers is not a cell."""
    covered = {}  # column -> last row index a rowspan covers
    rows = []
    for r, row in enumerate(table.findall('row')):
        cells = []
        for c in row.findall('cell'):
            col = int(c.get('column', '-1'))
            if covered.get(col, -1) >= r:
                continue
            span = int(c.get('rowspan', '1'))
            if span > 1:
                for k in range(int(c.get('colspan', '1'))):
                    covered[col + k] = r + span - 1
            cells.append((col, int(c.get('colspan', '1')), (c.text or '').strip()))
        rows.append(cells)
    # The value columns start after the rightmost label of the rows holding numbers.
    first = max((max([col + span for col, span, t in cells if not value_like(t)], default=0)
                 for cells in rows if any(t and value_like(t) for _, _, t in cells)), default=0)
    out = []
    for cells in rows:
        values = [t for col, _, t in cells if col >= first]
        if values and all(value_like(t) for t in values):
            out.extend(values)
    return out


failures, listed, pdfs = [], [], 0
with tempfile.TemporaryDirectory() as out:
    truths = []
    for t in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        d = json.load(open(t, encoding='utf-8'))
        if d['form'] != 'pdf':
            continue
        pdfs += 1
        src = os.path.join(os.path.dirname(t), d['source'])
        dest = os.path.join(out, os.path.basename(t))
        r = subprocess.run([exe, 'convert', src, '-o', dest, '-t', 'values,xml'], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f'{d["source"]}: convert failed: {r.stderr.strip()}')
            continue
        model_path = glob.glob(os.path.join(dest, '*.xml'))[0]
        v = subprocess.run(['xmllint', '--noout', '--relaxng', schema, model_path], capture_output=True, text=True)
        if v.returncode != 0:
            failures.append(f'{d["source"]}: the model does not follow formats/model.rng: {v.stderr.strip()[-300:]}')
        model = ET.parse(model_path).getroot()
        raw = [raw_values(t) for t in model.find('body').findall('table')]
        names = []
        for c in d['cells']:
            if c['table'] not in names:
                names.append(c['table'])
        want = [[(c['value'] or '').strip() for c in d['cells'] if c['table'] == n] for n in names]
        if raw != want:
            failures.append(f'{d["source"]}: raw tables {[len(x) for x in raw]} value cells, truth {[len(x) for x in want]}'
                            + ''.join(f'; table {i + 1} first difference at {next((k for k, (a, b) in enumerate(zip(x, y)) if a != b), min(len(x), len(y)))}'
                                      for i, (x, y) in enumerate(zip(raw, want)) if x != y))
        report = model.find('metadata/report')
        got = None if report is None else (report.get('title'), report.get('agency'), report.get('year'))
        if got != (d['title'], d['agency'], str(d['year'])):
            failures.append(f'{d["source"]}: report title, agency, year {got}, truth {d["title"], d["agency"], d["year"]}')
        tmpl = model.find('template')
        if tmpl is None or tmpl.get('id') != d['template']:
            listed.append(f'{d["source"]}: mapped as {None if tmpl is None else tmpl.get("id")}, truth {d["template"]}')
        else:
            truths.append(t)
    print(f'reader: {pdfs - len(set(f.split(":")[0] for f in failures))}/{pdfs} PDFs give every truth value in the printed grid and the report\'s title, agency and year')
    for f in failures:
        print('  FAIL ' + f)
    for l in listed:
        print('  not scored strictly (template stage): ' + l)
    all_csv = os.path.join(out, 'all.csv')
    scoring.combine_values([p for t in truths for p in glob.glob(os.path.join(out, os.path.basename(t), '*.values.csv'))],
                           all_csv)
    last = scoring.score(shared, truths, all_csv, os.path.join(out, 'report.json')) if truths else 'no report'
    print(f'{len(truths)} PDFs mapped under their truth template: {last}')
    sys.exit(0 if not failures and truths and scoring.perfect(last) else 1)
