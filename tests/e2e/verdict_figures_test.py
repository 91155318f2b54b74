#!/usr/bin/python3
"""Verdict calibration on the visible corpus (issue 15): counts the documents
with a wrong or missing cell whose verdict is ok (must be 0) and the
documents with every cell right, no failing identity in their truth and no
absent table whose verdict is review ("needless review", target 0), and
prints both with the reasons of each needless review. Fails on the first
count only: a needless review costs a reader's time, a wrong ok costs trust.
Skipped (exit 77) when shared/ is not beside the checkout."""
import csv, glob, json, os, subprocess, sys, tempfile

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
forms = sys.argv[3:] or ['word-export', 'tab-separated', 'space-aligned']
wrong_ok, needless, docs = [], [], 0
with tempfile.TemporaryDirectory() as out:
    for t in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        d = json.load(open(t, encoding='utf-8'))
        if d['form'] not in forms:
            continue
        docs += 1
        src = os.path.join(os.path.dirname(t), d['source'])
        o = os.path.join(out, os.path.basename(t))
        subprocess.run([exe, 'convert', src, '-o', o, '-t', 'values'], capture_output=True)
        got, verdict = {}, None
        for vf in glob.glob(os.path.join(o, '*.values.csv')):
            with open(vf, encoding='utf-8-sig', newline='') as f:
                for r in csv.DictReader(f):
                    got[(r['template'], r['table'], r['row'], r['column'])] = r['value']
                    verdict = r['verdict']
        if verdict is None:
            verdict = 'review'  # no template: no values lines
        right = all(got.get((d['template'], c['table'], c['row'], c['column'])) == (c['value'] or '')
                    for c in d['cells'])
        if not right and verdict == 'ok':
            wrong_ok.append(d['source'])
        if right and not d['violations'] and not d.get('omitted_tables') and verdict != 'ok':
            reasons = subprocess.run([exe, 'inspect', src], capture_output=True, text=True).stdout
            needless.append(d['source'] + ': ' + ' / '.join(
                l.strip() for l in reasons.split('verdict review', 1)[-1].splitlines()[1:] if l.startswith('    ')))
print(f'{docs} documents ({", ".join(forms)}): {len(wrong_ok)} with a wrong or missing cell marked ok, '
      f'{len(needless)} all right marked review (needless review)')
for w in wrong_ok:
    print('  wrong but ok: ' + w)
for n in needless:
    print('  needless review: ' + n)
sys.exit(1 if wrong_ok else 0)
