#!/usr/bin/python3
"""The corpus PDFs with their ruling lines removed (tests/plugins/pdf/
strip_rules.py): the pdf reader falls back to the glyphs' positions. Not every
cell comes back (the figures are printed), but a report with a wrong or
missing cell must never get verdict ok. Skipped (exit 77) without the shared
corpus or without qpdf and fix-qdf."""
import glob, json, os, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

import scoring

exe, source, shared = sys.argv[1], sys.argv[2], sys.argv[3]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus) or not shutil.which('qpdf') or not shutil.which('fix-qdf'):
    print('no shared corpus or no qpdf: skipped')
    sys.exit(77)
if '  pdf ' not in subprocess.run([exe, 'formats'], capture_output=True, text=True).stdout:
    print('pdf plugin not built: skipped')
    sys.exit(77)
sys.path.insert(0, os.path.join(source, 'tests/plugins/pdf'))
from strip_rules import strip_rules

wrong_ok = []
with tempfile.TemporaryDirectory() as out:
    truths, verdicts = [], {}
    for t in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        d = json.load(open(t, encoding='utf-8'))
        if d['form'] != 'pdf':
            continue
        truths.append(t)
        pdf = os.path.join(out, d['source'])  # same name: the scorer matches files by name
        strip_rules(os.path.join(os.path.dirname(t), d['source']), pdf)
        dest = os.path.join(out, d['source'] + '.out')
        subprocess.run([exe, 'convert', pdf, '-o', dest, '-t', 'values,xml'], capture_output=True)
        models = glob.glob(os.path.join(dest, '*.xml'))
        verdicts[d['source']] = ET.parse(models[0]).getroot().find('verdict').get('status') if models else 'failed'
    all_csv = os.path.join(out, 'all.csv')
    scoring.combine_values(glob.glob(os.path.join(out, '*.out/*.values.csv')), all_csv)
    report = os.path.join(out, 'report.json')
    last = scoring.score(shared, truths, all_csv, report)
    for doc in json.load(open(report, encoding='utf-8'))['documents']:
        perfect = doc['strict_recall'] == 1 and doc['precision'] == 1
        print(f'  {doc["file"]}: strict {doc["strict_recall"]:.2%}, precision {doc["precision"]:.2%}, '
              f'verdict {verdicts.get(doc["file"])}')
        if not perfect and verdicts.get(doc['file']) == 'ok':
            wrong_ok.append(doc['file'])
    print(f'{len(truths)} PDFs without rules: {last}')
    for w in wrong_ok:
        print(f'  FAIL {w}: wrong or missing cells with verdict ok')
    sys.exit(1 if wrong_ok or not truths else 0)
