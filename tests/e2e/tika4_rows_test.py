#!/usr/bin/python3
"""Tika 4 prints a Word table a row per line ("\\tA\\tB\\tC", a cell's further
paragraphs on the next lines). Each seed rewritten in that form must give the
same values as the original (Tika 3's cell per line)."""
import csv, glob, os, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

exe, seeds_dir = sys.argv[1], sys.argv[2]
failures = []
with tempfile.TemporaryDirectory() as tmp:
    for seed in sorted(glob.glob(os.path.join(seeds_dir, '*.txt'))):
        stem = os.path.splitext(os.path.basename(seed))[0]
        model = subprocess.run([exe, 'inspect', '--model', seed], capture_output=True, text=True, check=True).stdout
        out = []
        for b in ET.fromstring(model).find('body'):
            if b.tag in ('heading', 'paragraph'):
                out += [b.text or '', '']
            elif b.tag == 'table':
                for r in b.findall('row'):
                    out.append('\t' + '\t'.join((c.text or '') for c in r.findall('cell')))
                out.append('')
        rows_form = os.path.join(tmp, stem + '.txt')
        open(rows_form, 'w', encoding='utf-8').write('\n'.join(out) + '\n')
        for src, d in ((seed, 'orig'), (rows_form, 'rows')):
            r = subprocess.run([exe, 'convert', src, '-o', os.path.join(tmp, d), '-t', 'values'], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f'{stem} {d}: {r.stderr}')
        def cells(d):  # what must not change: the cells and their values, not the file name or line numbers
            with open(os.path.join(tmp, d, stem + '.values.csv'), encoding='utf-8-sig', newline='') as f:
                return [(r['table'], r['row'], r['column'], r['value'], r['state']) for r in csv.DictReader(f)]
        a, b = cells('orig'), cells('rows')
        if a != b:
            diff = [x for x, y in zip(a, b) if x != y][:3]
            failures.append(f'{stem}: row-per-line form gives other values: {diff} ({len(a)} vs {len(b)} cells)')
        probe = subprocess.run([exe, 'inspect', rows_form], capture_output=True, text=True).stdout
        if 'input plugin: word-export' not in probe:
            failures.append(f'{stem}: row-per-line form not taken by word-export: {probe}')
if failures:
    print('\n'.join(failures))
    sys.exit(1)
print('Tika 4 row-per-line form: all seeds give the same values')
