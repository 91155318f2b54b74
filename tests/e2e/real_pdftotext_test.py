#!/usr/bin/python3
"""pdftotext -layout of the three real reports (fixtures made from
../shared/corpus/real/*.pdf, see fixtures/real-pdftotext/README.md), scored
against their truth. What the space-aligned reader controls must hold: the
复议/诉讼 table, whose one data row pdftotext prints lines below its header,
comes back cell for cell in every report, and no value is wrong in a report
whose verdict is ok. Prints the scorer's figures for all cells (table 1 of
the two hybrid reports is the template stage's part). Skipped (exit 77)
without the shared corpus."""
import csv, glob, json, os, subprocess, sys, tempfile

import scoring

exe, source, shared = sys.argv[1:4]
real = os.path.join(shared, 'corpus', 'real')
if not os.path.isdir(real):
    print('no shared corpus: skipped')
    sys.exit(77)
fixtures = os.path.join(source, 'tests', 'e2e', 'fixtures', 'real-pdftotext')
failures = []
with tempfile.TemporaryDirectory() as tmp:
    truths = []
    for t in sorted(glob.glob(os.path.join(real, '*.truth.json'))):
        stem = os.path.basename(t)[:-len('.truth.json')]
        truth = json.load(open(t, encoding='utf-8'))
        src = os.path.join(fixtures, stem + '.txt')
        mine = os.path.join(tmp, stem + '.truth.json')
        json.dump(dict(truth, source=stem + '.txt', form='space-aligned'), open(mine, 'w', encoding='utf-8'),
                  ensure_ascii=False)
        truths.append(mine)
        subprocess.run([exe, 'convert', src, '-o', tmp, '-t', 'values'], capture_output=True)
        rows = list(csv.DictReader(open(os.path.join(tmp, stem + '.values.csv'), encoding='utf-8-sig')))
        want = {(c['table'], c['row'], c['column']): c['value'] for c in truth['cells']}
        appeals = [r for r in rows if r['table'] == '政府信息公开行政复议、行政诉讼情况']
        got = {(r['table'], r['row'], r['column']): r['value'] or None for r in appeals}
        expected = {k: v for k, v in want.items() if k[0] == '政府信息公开行政复议、行政诉讼情况'}
        if got != expected:
            failures.append(f'{stem}: 复议/诉讼 table {sum(got.get(k) == v for k, v in expected.items())}'
                            f'/{len(expected)} cells right')
        wrong = [r for r in rows if (r['table'], r['row'], r['column']) in want
                 and (r['value'] or None) != want[(r['table'], r['row'], r['column'])]]
        if wrong and rows[0]['verdict'] == 'ok':
            failures.append(f'{stem}: {len(wrong)} wrong cells with verdict ok')
    all_csv = os.path.join(tmp, 'all.csv')
    scoring.combine_values(glob.glob(os.path.join(tmp, '*.values.csv')), all_csv)
    print(f'{len(truths)} real reports, pdftotext -layout: ' +
          scoring.score(shared, truths, all_csv, os.path.join(tmp, 'report.json')))
for f in failures:
    print('  ' + f)
sys.exit(1 if failures else 0)
