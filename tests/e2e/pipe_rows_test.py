#!/usr/bin/python3
"""Pipe rows: the corpus's HTML originals through `pandoc -t gfm` (Markdown
pipe tables: `| 规章 | 0 | 0 | 5 |` under a `|---|` rule) must come back cell
for cell, and so must the same tables written as bare pipe rows without the
outer pipes and rules (`规章 | 0 | 0 | 5`, as crawlers save them). Pages whose
tables pandoc keeps as raw HTML (cells with <br> or colspans) are left out:
they are not pipe rows. Skipped (exit 77) without the shared corpus or pandoc."""
import glob, json, os, re, shutil, subprocess, sys, tempfile

import scoring

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus', 'originals')
if not os.path.isdir(corpus) or shutil.which('pandoc') is None:
    print('no shared corpus or no pandoc: skipped')
    sys.exit(77)


def page_text(path):
    raw = open(path, 'rb').read()
    m = re.search(rb'charset="?([A-Za-z0-9_-]+)', raw[:2048])
    enc = m.group(1).decode().lower() if m else 'utf-8'
    return raw.decode('gb18030' if enc in ('gbk', 'gb2312', 'gb18030') else enc)


def bare(md):
    """The pipe rows without outer pipes and without rule rows."""
    out = []
    for line in md.splitlines():
        t = line.strip()
        if t.startswith('|') and t.endswith('|') and len(t) > 1:
            cells = [c.strip() for c in t[1:-1].split('|')]
            if all(re.fullmatch(r':?-{3,}:?', c) for c in cells):
                continue
            line = ' | '.join(cells)
        out.append(line)
    return '\n'.join(out) + '\n'


with tempfile.TemporaryDirectory() as tmp:
    truths = []
    for page in sorted(glob.glob(os.path.join(corpus, '*.html'))):
        stem = os.path.basename(page)[:-5]
        src = os.path.join(tmp, stem + '.utf8.html')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(page_text(page).replace('charset="gbk"', 'charset="utf-8"').replace('charset=gbk', 'charset=utf-8'))
        md = subprocess.run(['pandoc', '-f', 'html', '-t', 'gfm', src], capture_output=True, text=True, check=True).stdout
        if '<table' in md:
            continue
        truth = json.load(open(os.path.join(corpus, stem + '.truth.json'), encoding='utf-8'))
        for kind, text in (('gfm', md), ('bare', bare(md))):
            name = f'{stem}_{kind}'
            with open(os.path.join(tmp, name + '.md'), 'w', encoding='utf-8') as f:
                f.write(text)
            with open(os.path.join(tmp, name + '.truth.json'), 'w', encoding='utf-8') as f:
                json.dump(dict(truth, source=name + '.md', form='tab-separated'), f, ensure_ascii=False)
            r = subprocess.run([exe, 'convert', os.path.join(tmp, name + '.md'), '-o', os.path.join(tmp, 'out'),
                                '-t', 'values'], capture_output=True, text=True)
            if r.returncode != 0:
                print(f'{name}: exit {r.returncode}: {r.stderr.strip()}')
            truths.append(os.path.join(tmp, name + '.truth.json'))
    if len(truths) < 8:
        print(f'only {len(truths)} pipe-table documents: pandoc changed?')
        sys.exit(1)
    all_csv = os.path.join(tmp, 'all.csv')
    scoring.combine_values(glob.glob(os.path.join(tmp, 'out', '*.values.csv')), all_csv)
    last = scoring.score(shared, truths, all_csv, os.path.join(tmp, 'report.json'))
    print(f'{len(truths)} pipe-row documents: {last}')
    sys.exit(0 if scoring.perfect(last) else 1)
