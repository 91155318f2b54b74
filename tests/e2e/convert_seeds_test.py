#!/usr/bin/python3
"""docpipe convert on each Word-export seed: the XML validates against the
schema, the tidy values CSV holds every truth cell exactly (blanks blank), the
per-table CSVs hold every row and cell of the source tables in order, and the
XLSX, reopened with openpyxl, holds the same numbers as numbers."""
import csv, glob, json, os, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
import runs

exe, src = sys.argv[1], sys.argv[2]
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
assert len(seeds) == 4, seeds
failures = []

check = runs.checker(failures)

def read_csv(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.reader(f))

with tempfile.TemporaryDirectory() as out:
    r = subprocess.run([exe, 'convert', *seeds, '-o', out], capture_output=True, text=True)
    check(r.returncode == 0, f'convert exit {r.returncode}: {r.stderr}')
    for seed in seeds:
        stem = os.path.splitext(os.path.basename(seed))[0]
        truth = json.load(open(seed[:-4] + '.truth.json', encoding='utf-8'))
        model_path = os.path.join(out, stem + '.xml')
        # 1. the model validates against the schema
        v = subprocess.run(['xmllint', '--noout', '--relaxng', os.path.join(src, 'formats/model.rng'), model_path],
                           capture_output=True, text=True)
        check(v.returncode == 0, f'{stem}: model does not validate: {v.stderr[-500:]}')
        model = ET.parse(model_path).getroot()
        check(model.get('model-version') == '1.0', f'{stem}: model-version')
        check(model.find('template').get('id') == truth['template'], f'{stem}: template')
        # 2. values.csv: every truth cell, exact value, blanks blank
        rows = read_csv(os.path.join(out, stem + '.values.csv'))
        check(rows[0][:6] == ['file', 'template', 'table', 'row', 'column', 'value'], f'{stem}: values header {rows[0]}')
        got = {(x[2], x[3], x[4]): x[5] for x in rows[1:]}
        check(len(rows) - 1 == len(truth['cells']), f'{stem}: {len(rows) - 1} value lines, {len(truth["cells"])} truth cells')
        for c in truth['cells']:
            key = (c['table'], c['row'], c['column'])
            want = c['value'] if c['value'] is not None else ''
            check(got.get(key) == want, f'{stem}: {key}: got {got.get(key)!r}, want {want!r}')
        check(all(x[0] == os.path.basename(seed) for x in rows[1:]), f'{stem}: file column')
        # 3. per-table CSVs: the source tables' rows and cells in order
        tables = model.findall('body/table')
        check(len(tables) >= 3, f'{stem}: {len(tables)} tables')
        for i, t in enumerate(tables, 1):
            path = os.path.join(out, f'{stem}.table-{i}.csv')
            check(os.path.exists(path), f'{stem}: missing {path}')
            if not os.path.exists(path):
                continue
            grid = read_csv(path)
            model_rows = t.findall('row')
            check(len(grid) == len(model_rows), f'{stem} table {i}: {len(grid)} CSV rows, {len(model_rows)} model rows')
            for g, m in zip(grid, model_rows):
                cells = [(c.text or '') for c in m.findall('cell')]
                # a text cell starting with = + - @ is guarded by a leading apostrophe
                unguarded = [x[1:] if x[:1] == "'" and x[1:2] in ('=', '+', '-', '@') else x for x in g]
                check(unguarded[:len(cells)] == cells and all(x == '' for x in unguarded[len(cells):]),
                      f'{stem} table {i} row {m.get("first-line")}: {g} != {cells}')
        # every non-blank truth value is in the raw row of its label
        raw_rows = [[(c.text or '') for c in r.findall('cell')] for t in tables for r in t.findall('row')]
        for c in truth['cells']:
            if c['value'] is None:
                continue
            leaf = c['row'].split('/')[-1][-6:]
            check(any(c['value'] in r and any(leaf in x for x in r) for r in raw_rows) or c['row'] == '',
                  f'{stem}: {c["value"]!r} not in a raw row labelled {leaf}')
        # 4. XLSX reopened
        try:
            import openpyxl
        except ImportError:
            failures.append('openpyxl missing: install python3-openpyxl')
            continue
        wb = openpyxl.load_workbook(os.path.join(out, stem + '.xlsx'))
        check('values' in wb.sheetnames and 'checks' in wb.sheetnames and 'metadata' in wb.sheetnames,
              f'{stem}: sheets {wb.sheetnames}')
        if 'values' in wb.sheetnames:
            ws = wb['values']
            vals = list(ws.iter_rows(values_only=True))
            header = list(vals[0])
            vi = header.index('value')
            check(len(vals) - 1 == len(truth['cells']), f'{stem}: xlsx values rows {len(vals) - 1}')
            by_key = {(r[header.index('table')], r[header.index('row')] or '', r[header.index('column')]): r[vi]
                      for r in vals[1:]}
            for c in truth['cells']:
                got_v = by_key.get((c['table'], c['row'], c['column']))
                want = c['value']
                if want is None:
                    check(got_v in (None, ''), f'{stem}: xlsx blank became {got_v!r}')
                elif want.isdigit():
                    check(got_v == int(want) or got_v == want, f'{stem}: xlsx {want!r} became {got_v!r}')

if failures:
    print('\n'.join(failures[:40]))
    print(f'{len(failures)} failed')
    sys.exit(1)
print(f'{len(seeds)} seeds: all checks passed')
