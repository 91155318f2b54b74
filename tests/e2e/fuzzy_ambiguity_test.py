#!/usr/bin/python3
"""A label within a small edit of two template rows never maps (issue 15),
through every text reader (word-export, tab-separated, space-aligned,
cell-per-line): a corpus report of each form with 二、上年结转政府信息公开申请数量
printed as 二、本年结转政府信息公开申请数量, one character from it and two from
一、本年新收政府信息公开申请数量. Neither row takes the values: the 上年结转 row
is absent (blank, never 0) and the report is reviewed, the 本年新收 row keeps
its own values, there is no label-fuzzy finding, and every other cell is the
truth's. Skipped (exit 77) when shared/ is not beside the checkout."""
import csv, glob, json, os, subprocess, sys, tempfile

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
TABLE = '收到和处理政府信息公开申请情况'
CARRIED = '二、上年结转政府信息公开申请数量'
NEAR_BOTH = '二、本年结转政府信息公开申请数量'
docs = {'tab-separated': 'synthetic/117_d0d2b8afd1868a30', 'space-aligned': 'synthetic/116_b743652107b43671',
        'word-export': 'synthetic/100_cf39b3587387ee25', 'cell-per-line': 'originals/305_34d8c3439a086c53'}
failures = []
with tempfile.TemporaryDirectory() as out:
    for form, stem in docs.items():
        truth = json.load(open(os.path.join(corpus, stem + '.truth.json'), encoding='utf-8'))
        text = open(os.path.join(corpus, stem + '.txt'), encoding='utf-8').read()
        if text.count(CARRIED) != 1:
            failures.append(f'{form}: {CARRIED} is not printed once in {stem}')
            continue
        path = os.path.join(out, form + '.txt')
        open(path, 'w', encoding='utf-8').write(text.replace(CARRIED, NEAR_BOTH))
        o = os.path.join(out, form)
        subprocess.run([exe, 'convert', path, '-o', o, '-f', form, '-t', 'values,xml'], capture_output=True)
        with open(glob.glob(os.path.join(o, '*.values.csv'))[0], encoding='utf-8-sig', newline='') as f:
            got = {(r['table'], r['row'], r['column']): r for r in csv.DictReader(f)}
        model = open(glob.glob(os.path.join(o, '*.xml'))[0], encoding='utf-8').read()
        for c in truth['cells']:
            key = (c['table'], c['row'], c['column'])
            r = got.get(key)
            if r is None:
                failures.append(f'{form}: no line for {key}')
            elif c['table'] == TABLE and c['row'] == CARRIED:
                if r['value'] != '' or r['placement'] != 'absent':
                    failures.append(f'{form}: {key} is {r["value"]!r} ({r["placement"]}), not absent')
            elif r['value'] != (c['value'] or ''):
                failures.append(f'{form}: {key} is {r["value"]!r}, truth {c["value"]!r}')
        verdict = next(iter(got.values()))['verdict'] if got else 'review'
        if verdict != 'review':
            failures.append(f'{form}: verdict {verdict}, not review')
        if 'code="label-fuzzy"' in model:
            failures.append(f'{form}: a label-fuzzy finding for a label near two rows')
print(f'{len(docs)} documents, a label near two template rows: {len(failures)} failures')
for f in failures:
    print('  ' + f)
sys.exit(1 if failures else 0)
