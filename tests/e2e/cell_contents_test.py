#!/usr/bin/python3
"""Real cell contents through every text reader (issue 15): a corpus report
of each form (word-export, tab-separated, space-aligned, cell-per-line) with the 自然人 cell
of （一）予以公开 rewritten as a placeholder (×, /), a formula (=2+2), a signed
value (+3) or a value with its unit (251000元), and with the published typo
2.其他法律行政止公开 for 2.其他法律行政法规禁止公开. The rewritten cell keeps its
text, every other cell is the truth's; nothing goes to unmapped.
Skipped (exit 77) when shared/ is not beside the checkout."""
import csv, glob, json, os, re, subprocess, sys, tempfile

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
ROW = '三、本年度办理结果/（一）予以公开'
COL = '自然人'
docs = {'tab-separated': 'synthetic/117_d0d2b8afd1868a30', 'space-aligned': 'synthetic/116_b743652107b43671',
        'word-export': 'synthetic/100_cf39b3587387ee25', 'cell-per-line': 'originals/305_34d8c3439a086c53'}
failures = []


def rewrite(form, text, value):
    """The first value of the （一）予以公开 row replaced by `value`."""
    lines = text.split('\n')
    i = next(k for k, l in enumerate(lines) if '予以公开' in l)
    if form == 'word-export':  # one cell per line after the label
        j = next(k for k in range(i + 1, len(lines)) if lines[k].strip())
        lines[j] = '\t' + value
    elif form == 'cell-per-line':  # the label's line, then a line per cell (自然人 first)
        lines[i + 1] = value
    elif form == 'tab-separated':
        f = lines[i].split('\t')
        k = next(k for k, x in enumerate(f) if re.fullmatch(r'\d+', x.strip()))
        f[k] = value
        lines[i] = '\t'.join(f)
    else:  # the number keeps its right edge; it takes the spaces before it
        m = re.search(r'( +)(\d+)', lines[i][lines[i].index('予以公开'):])
        start = lines[i].index('予以公开') + m.start()
        width = len(m.group(0))
        lines[i] = lines[i][:start] + ' ' * (width - wide(value)) + value + lines[i][start + width:]
    return '\n'.join(lines)


def unguarded(v):
    # Every CSV docpipe writes puts an apostrophe before a text cell that a
    # spreadsheet would run as a formula (README, "formulas in CSV cells").
    return v[1:] if len(v) > 1 and v[0] == "'" and v[1] in '=+-@\t\r' else v


def wide(s):
    return sum(2 if ord(c) > 0x2E80 else 1 for c in s)


with tempfile.TemporaryDirectory() as out:
    for form, stem in docs.items():
        truth = json.load(open(os.path.join(corpus, stem + '.truth.json'), encoding='utf-8'))
        text = open(os.path.join(corpus, stem + '.txt'), encoding='utf-8').read()
        o = os.path.join(out, form)
        subprocess.run([exe, 'convert', os.path.join(corpus, stem + '.txt'), '-o', o, '-t', 'xml'], capture_output=True)
        unmapped_before = open(glob.glob(os.path.join(o, '*.xml'))[0], encoding='utf-8').read().count('<item ')
        for name, value in [('x', '×'), ('slash', '/'), ('formula', '=2+2'), ('signed', '+3'), ('unit', '251000元'),
                            ('typo', None)]:
            if value is None:  # the label may wrap: 2.其他法律行政 / 法规禁止公开
                doc = text.replace('2.其他法律行政法规禁止公开', '2.其他法律行政止公开')
                doc = doc.replace('法规禁止公开', '止公开', 1) if doc == text else doc
            else:
                doc = rewrite(form, text, value)
            if value is None and doc == text:
                failures.append(f'{form}: the typo was not written')
            path = os.path.join(out, f'{form}-{name}.txt')
            open(path, 'w', encoding='utf-8').write(doc)
            o = os.path.join(out, f'{form}-{name}')
            subprocess.run([exe, 'convert', path, '-o', o, '-f', form, '-t', 'values,xml'], capture_output=True)
            with open(glob.glob(os.path.join(o, '*.values.csv'))[0], encoding='utf-8-sig', newline='') as f:
                got = {(r['table'], r['row'], r['column']): r for r in csv.DictReader(f)}
            model = open(glob.glob(os.path.join(o, '*.xml'))[0], encoding='utf-8').read()
            wrong = []
            for c in truth['cells']:
                key = (c['table'], c['row'], c['column'])
                want = value if value is not None and c['row'] == ROW and c['column'] == COL else (c['value'] or '')
                if key not in got or unguarded(got[key]['value']) != want:
                    wrong.append((c['row'][-12:], c['column'], want, got[key]['value'] if key in got else None))
            if wrong:
                failures.append(f'{form} {name}: {len(wrong)} cells wrong, e.g. {wrong[:3]}')
            if model.count('<item ') != unmapped_before:
                failures.append(f'{form} {name}: {model.count("<item ") - unmapped_before} more rows in unmapped')
for f in failures:
    print('FAIL ' + f)
print(f'{len(failures)} failures')
sys.exit(1 if failures else 0)
