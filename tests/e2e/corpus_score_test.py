#!/usr/bin/python3
"""Scores docpipe on every corpus file of the forms whose plugins are built,
with shared/eval/score.py: strict recall and precision must be 100%.
Skipped (exit 77) when shared/ is not beside the checkout."""
import glob, json, os, subprocess, sys, tempfile

import scoring

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
forms = sys.argv[3:] or ['word-export']
r = subprocess.run([exe, 'formats'], capture_output=True, text=True)
# The input plugin of each form, where it has another name (xlsx is also an output plugin).
reader = {'xlsx': 'xlsx-input'}
forms = [f for f in forms if f'  {reader.get(f, f)} ' in r.stdout]
with tempfile.TemporaryDirectory() as out:
    truths = []
    for t in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        d = json.load(open(t, encoding='utf-8'))
        if d['form'] in forms:
            truths.append(t)
            src = os.path.join(os.path.dirname(t), d['source'])
            subprocess.run([exe, 'convert', src, '-o', os.path.join(out, os.path.basename(t)), '-t', 'values'],
                           capture_output=True)
    all_csv = os.path.join(out, 'all.csv')
    scoring.combine_values(glob.glob(os.path.join(out, '*/*.values.csv')), all_csv)
    # docpipe validate reports exactly the truth's identity violations, no other
    wrong = []
    for t in truths:
        d = json.load(open(t, encoding='utf-8'))
        v = subprocess.run([exe, 'validate', os.path.join(os.path.dirname(t), d['source'])], capture_output=True, text=True)
        got = sorted((l.split(': FAIL ')[1].split(' ')[0],
                      l.split(' row ')[1].split(':')[0] if ' row ' in l else l.split(' column ')[1].split(':')[0])
                     for l in v.stdout.splitlines() if ': FAIL ' in l)
        want = sorted((x['identity'], x['row'] if 'row' in x else x['column']) for x in d['violations'])
        if got != want or v.returncode != (2 if want else 0):
            # The end of stderr says why (a sanitizer's report, an error message).
            why = ' | '.join(v.stderr.strip().splitlines()[-12:])
            wrong.append(f'{d["source"]}: validate reports {got} (exit {v.returncode}), truth {want}; stderr: {why}')
    print(f'validate: {len(truths) - len(wrong)}/{len(truths)} documents report exactly their violations')
    for w in wrong:
        print('  ' + w)
    last = scoring.score(shared, truths, all_csv, os.path.join(out, 'report.json'))
    print(f'forms {forms}, {len(truths)} documents: {last}')
    ok = scoring.perfect(last)
    sys.exit(0 if ok and not wrong else 1)
