#!/usr/bin/python3
"""cell-per-line on text it was not tuned on: `lynx -dump` of the corpus's
HTML originals. LibreOffice's HTML puts every cell in a <p>, so lynx prints a
cell per line with an empty line after each, and an empty cell as nothing at
all: such a row cannot be placed cell for cell. Every document the
cell-per-line reader takes must come back with no wrong value: each cell is
right, or its row is reported and the document's verdict is review. Skipped
(exit 77) without the shared corpus or lynx.

Also: LibreOffice's text exports (originals/*.txt) with a line of a lone "|"
between all lines, as crawlers separate cells, must come back cell for cell."""
import csv, glob, json, os, re, shutil, subprocess, sys, tempfile

import scoring

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus', 'originals')
if not os.path.isdir(corpus) or shutil.which('lynx') is None:
    print('no shared corpus or no lynx: skipped')
    sys.exit(77)

failures, taken, perfect = [], 0, 0
with tempfile.TemporaryDirectory() as tmp:
    for page in sorted(glob.glob(os.path.join(corpus, '*.html'))):
        stem = os.path.basename(page)[:-5]
        head = open(page, 'rb').read(2048)
        m = re.search(rb'charset="?([A-Za-z0-9_-]+)', head)
        charset = m.group(1).decode() if m else 'utf-8'
        text = subprocess.run(['lynx', '-dump', '-nolist', '-width=100', f'-assume_charset={charset}',
                               '-display_charset=utf-8', page], capture_output=True, check=True).stdout
        src = os.path.join(tmp, stem + '.txt')
        open(src, 'wb').write(text)
        r = subprocess.run([exe, 'convert', src, '-o', tmp, '-t', 'values'], capture_output=True, text=True)
        values = os.path.join(tmp, stem + '.values.csv')
        if r.returncode != 0 or not os.path.exists(values):
            continue
        rows = list(csv.DictReader(open(values, encoding='utf-8-sig')))
        insp = subprocess.run([exe, 'inspect', src], capture_output=True, text=True).stdout
        if 'input plugin: cell-per-line' not in insp:
            continue
        taken += 1
        truth = json.load(open(os.path.join(corpus, stem + '.truth.json'), encoding='utf-8'))
        want = {(c['table'], c['row'], c['column']): c['value'] for c in truth['cells']}
        wrong, missing = [], 0
        for row in rows:
            key = (row['table'], row['row'], row['column'])
            got = row['value'] if row['value'] != '' else None
            if key not in want:
                wrong.append(f'{key}: not in the truth')
            elif got != want[key]:
                # a cell of a row that was reported, not placed, is left blank
                if got is None and row['placement'] in ('absent', 'aligned'):
                    missing += 1
                else:
                    wrong.append(f'{key}: {got!r}, truth {want[key]!r}')
        verdict = rows[0]['verdict'] if rows else 'review'
        if wrong:
            failures.append(f'{stem}: {len(wrong)} wrong values, e.g. {wrong[:2]}')
        elif missing and verdict != 'review':
            failures.append(f'{stem}: {missing} cells missing but verdict {verdict}')
        elif not missing and len(rows) == len(want):
            perfect += 1
    truths = []
    for src in sorted(glob.glob(os.path.join(corpus, '*.txt'))):
        stem = os.path.basename(src)[:-4] + '_bars'
        lines = open(src, encoding='utf-8-sig').read().split('\n')
        open(os.path.join(tmp, stem + '.txt'), 'w', encoding='utf-8').write('\n|\n'.join(lines))
        truth = json.load(open(src[:-4] + '.truth.json', encoding='utf-8'))
        json.dump(dict(truth, source=stem + '.txt'), open(os.path.join(tmp, stem + '.truth.json'), 'w',
                                                           encoding='utf-8'), ensure_ascii=False)
        truths.append(os.path.join(tmp, stem + '.truth.json'))
        subprocess.run([exe, 'convert', os.path.join(tmp, stem + '.txt'), '-o', os.path.join(tmp, 'bars'), '-t',
                        'values'], capture_output=True)
    all_csv = os.path.join(tmp, 'bars.csv')
    scoring.combine_values(glob.glob(os.path.join(tmp, 'bars', '*.values.csv')), all_csv)
    bars = scoring.score(shared, truths, all_csv, os.path.join(tmp, 'bars.json'))
print(f'lynx -dump: cell-per-line took {taken} pages; {perfect} cell for cell, the others reported (review)')
print(f'{len(truths)} LibreOffice text exports with "|" lines between cells: {bars}')
for f in failures:
    print('  ' + f)
sys.exit(0 if taken >= 4 and not failures and scoring.perfect(bars) else 1)
