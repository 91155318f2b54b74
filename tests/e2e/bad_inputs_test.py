#!/usr/bin/python3
"""Bad inputs get a one-line error naming the file and the reason, the
documented exit code, and never stop the other inputs or leave half files."""
import glob, os, shutil, subprocess, sys, tempfile

exe, seeds = sys.argv[1], sys.argv[2]
seed = sorted(glob.glob(os.path.join(seeds, '*.txt')))[0]
failures = []

def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True)

def expect(name, r, code, words):
    if r.returncode != code:
        failures.append(f'{name}: exit {r.returncode}, want {code}: {r.stderr.strip()}')
    for w in words:
        if w not in r.stderr:
            failures.append(f'{name}: stderr lacks {w!r}: {r.stderr.strip()}')

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'out')
    files = {}
    def make(name, data):
        p = os.path.join(tmp, name)
        open(p, 'wb').write(data)
        return p
    files['empty'] = make('empty.txt', b'')
    files['binary'] = make('binary.txt', b'PK\x03\x04\x14\x00\x00\x00\x08\x00' * 20)
    files['undecodable'] = make('latin.txt', 'café naïve ÀÁÕæ '.encode('cp1252') * 40)
    files['prose'] = make('prose.txt', '一、总体情况\n\n本年度无其他事项。\n'.encode())
    text = open(seed, encoding='utf-8').read()
    files['gb18030'] = make('seed-gb18030.txt', text.encode('gb18030'))
    files['utf16'] = make('seed-utf16.txt', b'\xff\xfe' + text.encode('utf-16-le'))

    expect('missing', run('convert', os.path.join(tmp, 'nope.txt'), '-o', out), 66, ['nope.txt', 'no such file'])
    expect('empty', run('convert', files['empty'], '-o', out), 65, ['empty.txt', 'empty file'])
    expect('binary', run('convert', files['binary'], '-o', out), 65, ['binary.txt', 'binary data'])
    expect('undecodable', run('convert', files['undecodable'], '-o', out), 65, ['latin.txt', 'GB18030'])
    expect('no plugin claims it', run('convert', files['prose'], '-o', out), 65, ['prose.txt', 'no input plugin claims'])
    expect('usage', run('convert'), 64, [])
    ro = os.path.join(tmp, 'readonly')
    os.mkdir(ro)
    os.chmod(ro, 0o500)
    if os.geteuid() != 0:  # root may write anyway
        expect('not writable', run('convert', seed, '-o', ro), 73, ['not writable'])
    blocker = make('a-file', b'x')
    expect('output is a file', run('convert', seed, '-o', os.path.join(blocker, 'sub')), 73, ['cannot be created'])

    # Several inputs: the bad ones are reported, the good ones converted, exit 1.
    r = run('convert', files['binary'], seed, files['gb18030'], files['utf16'], '-o', out)
    expect('mixed batch', r, 1, ['binary.txt', '3 of 4 inputs converted'])
    for name in ['seed-gb18030', 'seed-utf16', os.path.splitext(os.path.basename(seed))[0]]:
        if not os.path.exists(os.path.join(out, name + '.values.csv')):
            failures.append(f'{name}: no values.csv after a batch with a bad input')
    ref = open(os.path.join(out, os.path.splitext(os.path.basename(seed))[0] + '.values.csv'), encoding='utf-8-sig').read()
    for name in ['seed-gb18030', 'seed-utf16']:
        got = open(os.path.join(out, name + '.values.csv'), encoding='utf-8-sig').read()
        base = os.path.basename(seed)
        if got.replace(name + '.txt', base) != ref:
            failures.append(f'{name}: values differ from the UTF-8 original')
    leftovers = [f for f in os.listdir(out) if '.tmp-' in f or f.startswith('binary')]
    if leftovers:
        failures.append(f'half or stray files left: {leftovers}')
    r = run('inspect', files['gb18030'])
    if 'gb18030' not in r.stdout:
        failures.append(f'inspect does not report gb18030: {r.stdout}')

if failures:
    print('\n'.join(failures))
    print(f'{len(failures)} failed')
    sys.exit(1)
print('bad inputs: all checks passed')
