#!/usr/bin/python3
"""Damaged originals never crash docpipe: the corpus HTML pages, .docx and
.xlsx files (or, without the corpus, a page of the test itself) are cut
short, byte-flipped and have ranges deleted or repeated, with a fixed seed;
each must convert (exit 0) or be refused as bad input (exit 65) in one line
naming the file, never an internal error or a signal."""
import glob, os, random, subprocess, sys, tempfile

exe, shared = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(shared, 'corpus', 'originals', '*.html')) +
               glob.glob(os.path.join(shared, 'corpus', 'originals', '*.docx')) +
               glob.glob(os.path.join(shared, 'corpus', 'originals', '*.xlsx')))
rng = random.Random(20261207)
failures = []


def mutate(b):
    op = rng.randrange(5)
    if op == 0:
        return b[:rng.randrange(1, len(b))]
    if op == 1:
        b = bytearray(b)
        for _ in range(rng.randrange(1, 30)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if op == 2:
        i = rng.randrange(len(b))
        return b[:i] + b[i + rng.randrange(1, 2000):]
    if op == 3:
        i = rng.randrange(len(b))
        return b[:i] + b[i:i + rng.randrange(1, 500)] * 5 + b[i:]
    # markup damage: tags cut in half
    return b.replace(b'<td', b'<t', rng.randrange(1, 50)).replace(b'</tr>', b'</', rng.randrange(1, 20))


with tempfile.TemporaryDirectory() as tmp:
    if not files:
        page = os.path.join(tmp, 'page.html')
        open(page, 'w', encoding='utf-8').write(
            '<html><body><p>一、总体情况</p><table><tr><td rowspan="2">规章</td><td>0</td></tr>'
            '<tr><td colspan="3">5</td></tr></table></body></html>')
        files = [page]
    n = 0
    for f in files:
        data = open(f, 'rb').read()
        for k in range(6):
            p = os.path.join(tmp, f'm{k}-' + os.path.basename(f))
            open(p, 'wb').write(mutate(data))
            r = subprocess.run([exe, 'convert', p, '-o', os.path.join(tmp, 'out'), '-t', 'values,xml'],
                               capture_output=True, text=True)
            n += 1
            if r.returncode not in (0, 65) or 'internal error' in r.stderr:
                failures.append(f'{os.path.basename(p)}: exit {r.returncode}: {r.stderr.strip()[:300]}')
            elif r.returncode == 65 and (len(r.stderr.strip().splitlines()) != 1 or os.path.basename(p) not in r.stderr):
                failures.append(f'{os.path.basename(p)}: not one line naming the file: {r.stderr!r}')
for f in failures:
    print('FAIL ' + f)
print(f'{n} damaged originals, {len(failures)} failures')
sys.exit(1 if failures else 0)
