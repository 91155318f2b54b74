#!/usr/bin/python3
"""A page full of blank cells through pdftotext -layout (fixture made from a
corpus original's LibreOffice PDF, see fixtures/blank-cells/README.md): every
cell of the truth right, a blank kept blank (never 0), the 复议/诉讼 table that
shows its header and no data row read as blank (placement header-only), and
the verdict ok, since every cell is right and no identity fails. Skipped
(exit 77) without the shared corpus."""
import csv, glob, json, os, subprocess, sys, tempfile

exe, source, shared = sys.argv[1:4]
originals = os.path.join(shared, 'corpus', 'originals')
if not os.path.isdir(originals):
    print('no shared corpus: skipped')
    sys.exit(77)
fixtures = os.path.join(source, 'tests', 'e2e', 'fixtures', 'blank-cells')
failures = []
with tempfile.TemporaryDirectory() as tmp:
    for src in sorted(glob.glob(os.path.join(fixtures, '*.txt'))):
        stem = os.path.basename(src)[:-4]
        truth = json.load(open(os.path.join(originals, stem + '.truth.json'), encoding='utf-8'))
        r = subprocess.run([exe, 'convert', src, '-o', tmp, '-t', 'values'], capture_output=True, text=True)
        rows = list(csv.DictReader(open(os.path.join(tmp, stem + '.values.csv'), encoding='utf-8-sig')))
        got = {(r['table'], r['row'], r['column']): r for r in rows}
        blank = wrong = 0
        for c in truth['cells']:
            g = got.get((c['table'], c['row'], c['column']))
            if g is None or g['value'] != (c['value'] or ''):
                wrong += 1
                failures.append(f'{stem}: {c["row"]} | {c["column"]}: {g and g["value"]!r}, truth {c["value"]!r}')
            blank += not c['value']
        header_only = sum(r['placement'] == 'header-only' for r in rows)
        verdict = rows[0]['verdict'] if rows else 'none'
        print(f'{stem}: {len(truth["cells"]) - wrong}/{len(truth["cells"])} cells right ({blank} blank in the truth), '
              f'{header_only} header-only, verdict {verdict}')
        if verdict != 'ok':
            failures.append(f'{stem}: verdict {verdict} ({r.stdout.strip()})')
        if header_only != 15:
            failures.append(f'{stem}: {header_only} header-only cells, not the 15 of 复议/诉讼')
for f in failures[:20]:
    print('  ' + f)
sys.exit(1 if failures else 0)
