#!/usr/bin/python3
"""Damaged inputs never crash docpipe and never give an invalid model: corpus
documents (or the seeds) are truncated, shuffled, retabbed, padded and
byte-flipped with a fixed seed; each must convert (exit 0, a model that
validates against formats/model.rng) or be refused as bad input (exit 65)."""
import glob, os, random, subprocess, sys, tempfile

exe, src, shared = sys.argv[1], sys.argv[2], sys.argv[3]
files = sorted(glob.glob(os.path.join(shared, 'corpus/*/*.txt'))) or sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
rng = random.Random(20261201)
failures = []


def mutate(b):
    op = rng.randrange(6)
    if op == 0:
        return b[:rng.randrange(len(b))]
    if op == 1:
        lines = b.split(b'\n')
        del lines[rng.randrange(len(lines))]
        i = rng.randrange(len(lines))
        lines[i:i + 5] = reversed(lines[i:i + 5])
        return b'\n'.join(lines)
    if op == 2:
        b = bytearray(b)
        for _ in range(20):
            i = rng.randrange(len(b))
            b[i:i + 1] = rng.choice([b'\t', b' ', b'\n', b'\f', b'\r', b'0', b'12'])
        return bytes(b)
    if op == 3:
        lines = b.split(b'\n')
        i = rng.randrange(len(lines))
        lines[i:i] = lines[i:i + rng.randrange(1, 30)] * 3
        return b'\n'.join(lines)
    if op == 4:
        return b.replace(b'\t', b'    ') if rng.random() < .5 else b.replace(b'  ', b'\t')
    b = bytearray(b)
    for _ in range(5):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, 'damaged.txt')
    for k in range(150):
        data = mutate(open(files[k % len(files)], 'rb').read())
        open(path, 'wb').write(data)
        out = os.path.join(tmp, f'out{k}')
        r = subprocess.run([exe, 'convert', path, '-o', out, '-t', 'xml,values,csv'], capture_output=True, text=True,
                           timeout=60)
        if r.returncode == 0:
            v = subprocess.run(['xmllint', '--noout', '--relaxng', os.path.join(src, 'formats/model.rng'),
                                os.path.join(out, 'damaged.xml')], capture_output=True, text=True)
            if v.returncode != 0:
                failures.append(f'#{k} ({os.path.basename(files[k % len(files)])}): invalid model: {v.stderr[-300:]}')
        elif r.returncode != 65:
            failures.append(f'#{k} ({os.path.basename(files[k % len(files)])}): exit {r.returncode}: {r.stderr[-300:]}')
if failures:
    print('\n'.join(failures))
    sys.exit(1)
print('150 damaged inputs: converted to valid models or refused as bad input')
