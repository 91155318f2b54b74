#!/usr/bin/python3
"""The same report written with the label variants seen in the wild must give
the same values: ASCII brackets for full-width ones, "1、" for "1.", "三．" for
"三、", straight quotes for curly ones, 对外公开总量 for 对外公开总数量, 合计 for
总计, Word bookmarks at cell starts. Applied to every Word-export and tab-separated corpus document (the
space-aligned ones align by character width, which such edits would change).
Skipped (77) when shared/ is not beside the checkout."""
import csv, glob, json, os, re, subprocess, sys, tempfile

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)

def decode(b):
    for enc in ('utf-8-sig', 'utf-16', 'gb18030'):
        try:
            return b.decode(enc)
        except UnicodeDecodeError:
            pass
    raise ValueError

def variants(text, form):
    t = text.replace('（', '(').replace('）', ')')
    t = re.sub(r'(?<![0-9.])([1-8])\.(?=[\u4e00-\u9fff])', r'\1、', t)
    t = re.sub(r'(?<=[一二三四五六七八九十])、', '．', t)
    t = t.replace('“', '"').replace('”', '"').replace('对外公开总数量', '对外公开总量').replace('总计', '合计')
    if form == 'word-export':
        t = re.sub(r'^\t(?=[一二三四（(])', '\t[bookmark: _Toc1234]', t, flags=re.M)
    return t

def values(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return {(r['table'], r['row'], r['column']): r['value'] for r in csv.DictReader(f)}

failures, n = [], 0
with tempfile.TemporaryDirectory() as tmp:
    for t in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        d = json.load(open(t, encoding='utf-8'))
        if d['form'] not in ('word-export', 'tab-separated'):
            continue
        n += 1
        text = decode(open(os.path.join(os.path.dirname(t), d['source']), 'rb').read())
        path = os.path.join(tmp, d['source'])
        open(path, 'w', encoding='utf-8').write(variants(text, d['form']))
        out = os.path.join(tmp, 'out-' + d['source'])
        r = subprocess.run([exe, 'convert', path, '-o', out, '-t', 'values'], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f'{d["source"]}: {r.stderr.strip()}')
            continue
        got = values(os.path.join(out, os.path.splitext(d['source'])[0] + '.values.csv'))
        for c in d['cells']:
            want = c['value'] if c['value'] is not None else ''
            want = want.replace('（', '(').replace('）', ')')
            key = (c['table'], c['row'], c['column'])
            if got.get(key) != want:
                failures.append(f'{d["source"]}: {key}: {got.get(key)!r} != {want!r}')
                break
if failures:
    print('\n'.join(failures))
    sys.exit(1)
print(f'{n} documents with label variants: every cell as in the truth')
