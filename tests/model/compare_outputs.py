#!/usr/bin/python3
"""Compares every output file of `docpipe convert` between two builds.

    tests/model/compare_outputs.py OLD_DOCPIPE NEW_DOCPIPE CORPUS [WORK]

Converts every document under CORPUS (all forms: every file that is not a
truth .json or a README) with both executables, once with automatic
detection and once more with the form its truth names (-f), all outputs,
into WORK/old and WORK/new (a temporary folder by default), then compares
the two trees byte for byte: the same files, the same bytes, the same
console lines. Prints one line per difference and a summary; exit 1 when
anything differs. Used to show that a refactoring changed no output
(e.g. the typed model of docs/model.md).
"""
import filecmp, json, os, subprocess, sys, tempfile

old_exe, new_exe, corpus = sys.argv[1:4]
work = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix='docpipe-compare-')
reader = {'xlsx': 'xlsx-input'}

jobs = []  # (label, input, extra arguments)
for root, _, files in sorted(os.walk(corpus)):
    for f in sorted(files):
        path = os.path.join(root, f)
        rel = os.path.relpath(path, corpus)
        if f.endswith('.json') or f in ('README.md', 'labels.md'):
            continue
        jobs.append((rel + '.auto', path, []))
        truth = os.path.join(root, f.rsplit('.', 1)[0] + '.truth.json')
        if os.path.exists(truth):
            form = json.load(open(truth, encoding='utf-8')).get('form')
            if form:
                jobs.append((rel + '.' + form, path, ['-f', reader.get(form, form)]))

def run(exe, side):
    lines = {}
    for label, path, extra in jobs:
        out = os.path.join(work, side, label)
        r = subprocess.run([exe, 'convert', path, '-o', out] + extra, capture_output=True, text=True)
        lines[label] = (r.returncode, r.stdout, r.stderr)
    return lines

old_lines, new_lines = run(old_exe, 'old'), run(new_exe, 'new')
diffs, files = [], 0
for label, _, _ in jobs:
    if old_lines[label] != new_lines[label]:
        diffs.append(f'{label}: console or exit code differs: {old_lines[label]!r} vs {new_lines[label]!r}')
    a, b = os.path.join(work, 'old', label), os.path.join(work, 'new', label)
    names_a = sorted(os.listdir(a)) if os.path.isdir(a) else []
    names_b = sorted(os.listdir(b)) if os.path.isdir(b) else []
    if names_a != names_b:
        diffs.append(f'{label}: files differ: {names_a} vs {names_b}')
    for n in set(names_a) & set(names_b):
        files += 1
        if not filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False):
            diffs.append(f'{label}: {n} differs')
for d in diffs:
    print(d)
print(f'{len(jobs)} conversions, {files} output files compared, {len(diffs)} differences ({work})')
sys.exit(1 if diffs else 0)
