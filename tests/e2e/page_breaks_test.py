#!/usr/bin/python3
"""A page break may fall anywhere in a table of a PDF's text: between two
rows, or inside a row whose wrapped label goes on on the next page, with the
bottom and top margins as blank lines and a page number in between. Every
corpus document made from a PDF (space-aligned or tab-separated text with form
feeds) gets breaks inserted at rows chosen with a fixed seed; each variant
must give exactly the truth's cells. A second set of variants breaks the page
between two rows of 收到和处理 and repeats that table's header on the new page,
as Word does for a header row marked to repeat. Skipped (77) when shared/ is
not beside the checkout."""
import csv, glob, json, os, random, re, subprocess, sys, tempfile

exe, shared = sys.argv[1], sys.argv[2]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
rng = random.Random(20261202)
VARIANTS = 4


def values(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return {(r['table'], r['row'], r['column']): r['value'] for r in csv.DictReader(f)}


def with_break(lines, at, repeated=()):
    """A page break before line `at`: margins, maybe a page number, a form
    feed, and the lines of `repeated` (a table header) at the top of the page."""
    page = sum(l.count('\f') for l in lines[:at]) + 1  # the page that ends here
    gap = [''] * rng.randrange(0, 4)
    footer = rng.choice([None, f'{" " * 38}— {page} —', f'{" " * 36}第 {page} 页'])
    if footer:
        gap += [footer]
    top = [''] * rng.randrange(0, 3)
    after = list(repeated) + [lines[at]]
    if top:
        top[0] = '\f' + top[0]
    else:
        after[0] = '\f' + after[0]
    return lines[:at] + gap + top + after + lines[at + 1:]


failures, n = [], 0
with tempfile.TemporaryDirectory() as tmp:
    for t in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        d = json.load(open(t, encoding='utf-8'))
        if d['form'] not in ('space-aligned', 'tab-separated'):
            continue
        raw = open(os.path.join(os.path.dirname(t), d['source']), 'rb').read()
        try:
            text = raw.decode('utf-8')
        except UnicodeDecodeError:
            continue  # (the GB18030 copies are the same layouts)
        if '\f' not in text:
            continue
        lines = text.split('\n')
        # rows of the tables: lines holding a number, after the first table starts
        rows = [i for i, l in enumerate(lines) if re.search(r'(?:^|\s)\d+(?:\s|$)', l) and '\f' not in l]
        if d['form'] == 'tab-separated':
            rows = [i for i in rows if '\t' in lines[i]]
        rows = [i for i in rows if 0 < i < len(lines) - 1]
        # 收到和处理: its heading, its header (up to the first row), its rows' first lines
        head = next((i for i, l in enumerate(lines) if re.match(r'^[\s\f]*三、收到和处理', l)), None)
        first = next((i for i, l in enumerate(lines) if head is not None and i > head and '本年新收' in l), None)
        end = next((i for i, l in enumerate(lines) if first is not None and i > first and '政府信息公开行政复议' in l),
                   None)
        starts = [] if end is None else [i for i in range(first + 2, end - 2) if re.match(
            r'^[\s\t]*(?:[0-9]+\.|（[一二三四五六七]）|[一二三四]、)', lines[i]) and '\f' not in lines[i]]
        for v in range(2 * VARIANTS):
            if v >= VARIANTS and not starts:
                break
            n += 1
            if v < VARIANTS:
                at = rng.choice(rows) + 1  # after a row line (or inside a wrapped row)
                variant = with_break(lines, at)
            else:
                at = rng.choice(starts)  # between two rows, the header repeated
                variant = with_break(lines, at, [l.replace('\f', '') for l in lines[head + 1:first]])
            path = os.path.join(tmp, f'{v}-{d["source"]}')
            open(path, 'w', encoding='utf-8').write('\n'.join(variant))
            out = os.path.join(tmp, f'out-{v}-{d["source"]}')
            r = subprocess.run([exe, 'convert', path, '-o', out, '-t', 'values'], capture_output=True, text=True,
                               timeout=60)
            if r.returncode != 0:
                failures.append(f'{d["source"]} (break before line {at + 1}): {r.stderr.strip()}')
                continue
            got = values(os.path.join(out, os.path.splitext(os.path.basename(path))[0] + '.values.csv'))
            wrong = [(c['table'], c['row'], c['column']) for c in d['cells']
                     if got.get((c['table'], c['row'], c['column'])) != (c['value'] if c['value'] is not None else '')]
            if wrong:
                failures.append(f'{d["source"]} (break before line {at + 1}): {len(wrong)} cells wrong, first {wrong[0]}')
if failures:
    print('\n'.join(failures))
    print(f'{len(failures)} of {n} variants wrong')
    sys.exit(1)
print(f'{n} variants with a page break inside a table: every cell as in the truth')
