#!/usr/bin/python3
"""A scheduled `run` (issue 19, item 6): every line of its log is JSON, setup
errors too; a run that finds no input warns; --known-failures-ok reports
inputs that failed before and did not change without failing the run again;
`status` exits 1 when inputs failed; --dry-run lists what it skips and why."""
import glob, json, os, shutil, subprocess, sys, tempfile
import runs

exe, src = sys.argv[1], sys.argv[2]
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
pipeline = os.path.join(src, 'pipelines/annual-reports.xml')
failures = []


check = runs.checker(failures)


def run(*args):
    # stdout and stderr into one log, as the crontab line writes run.jsonl
    r = subprocess.run([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    lines = r.stdout.splitlines()
    parsed = []
    for l in lines:
        try:
            parsed.append(json.loads(l))
        except ValueError:
            parsed.append(None)
    return r.returncode, lines, parsed


def all_json(what, lines, parsed):
    bad = [l for l, p in zip(lines, parsed) if not isinstance(p, dict)]
    check(lines and not bad, f'{what}: lines of the log that are not JSON objects: {bad or "(no line)"}')


def events(parsed, name):
    return [p for p in parsed if isinstance(p, dict) and p.get('event') == name]


with tempfile.TemporaryDirectory() as tmp:
    inp, out = os.path.join(tmp, 'in'), os.path.join(tmp, 'out')
    os.makedirs(inp)

    # setup errors are JSON lines: a missing pipeline, a bad command line, a bad folder
    rc, lines, parsed = run('run', os.path.join(tmp, 'missing.xml'), '--input', inp, '--output', out)
    all_json('missing pipeline', lines, parsed)
    err = events(parsed, 'error')
    check(rc in (66, 78) and err and err[0]['code'] == rc and 'missing.xml' in err[0]['message'],
          f'missing pipeline: {rc} {lines}')
    rc, lines, parsed = run('run', pipeline, '--input', inp)
    all_json('no --output', lines, parsed)
    check(rc == 64 and events(parsed, 'error') and '--output' in events(parsed, 'error')[0]['message'],
          f'run without --output: {rc} {lines}')
    rc, lines, parsed = run('run', pipeline, '--input', os.path.join(tmp, 'nowhere'), '--output', out)
    all_json('missing input folder', lines, parsed)
    check(rc == 78 and events(parsed, 'error'), f'missing input folder: {rc} {lines}')

    # a run that finds no input warns (and still exits 0)
    open(os.path.join(inp, 'notes.md'), 'w').write('not an input')
    rc, lines, parsed = run('run', pipeline, '--input', inp, '--output', out)
    all_json('no inputs', lines, parsed)
    warn = events(parsed, 'warning')
    check(rc == 0 and warn and 'no input' in warn[0]['message'] and inp in warn[0]['message'],
          f'0 inputs: {rc} {lines}')

    # a good and a permanently bad input
    shutil.copy(seeds[0], os.path.join(inp, 'good.txt'))
    open(os.path.join(inp, 'broken.txt'), 'wb').write(b'\x00\x01\x02binary' * 10)
    rc, lines, parsed = run('run', pipeline, '--input', inp, '--output', out, '-j', '1')
    all_json('first run', lines, parsed)
    check(rc == 1 and parsed[-1]['failed'] == 1, f'first run: {rc} {lines}')
    rc, lines, parsed = run('run', pipeline, '--input', inp, '--output', out, '-j', '1')
    check(rc == 1, f'unchanged failure without --known-failures-ok: exit {rc}, want 1')
    rc, lines, parsed = run('run', pipeline, '--input', inp, '--output', out, '-j', '1', '--known-failures-ok')
    all_json('--known-failures-ok', lines, parsed)
    known = events(parsed, 'known-failure')
    check(rc == 0 and known and known[0]['file'] == 'broken.txt' and 'binary' in known[0]['error']
          and parsed[-1]['known_failures'] == 1 and parsed[-1]['failed'] == 1 and parsed[-1]['converted'] == 0,
          f'--known-failures-ok: {rc} {lines}')

    # status: exit 1 while inputs failed, naming them
    s = subprocess.run([exe, 'status', out], capture_output=True, text=True)
    check(s.returncode == 1 and 'failed  broken.txt' in s.stdout, f'status: {s.returncode} {s.stdout} {s.stderr}')

    # --dry-run lists what it skips and why
    os.mkfifo(os.path.join(inp, 'pipe.txt'))
    d = subprocess.run([exe, 'run', pipeline, '--input', inp, '--output', out, '--dry-run', '--known-failures-ok'],
                       capture_output=True, text=True)
    rows = [l.split('\t') for l in d.stdout.splitlines() if '\t' in l]
    why = {r[1]: r[2] for r in rows if r[0] == 'skip'}
    check(why.get('good.txt') == 'up to date' and why.get('broken.txt', '').startswith('known failure')
          and 'pipe.txt' in why and 'FIFO' in why.get('pipe.txt', '') + why.get('pipe.txt', '').upper(),
          f'--dry-run skip lines: {d.stdout}')
    os.remove(os.path.join(inp, 'pipe.txt'))

    # a failed input that changed is tried again, and fails the run
    open(os.path.join(inp, 'broken.txt'), 'wb').write(b'\x00\x01\x02still binary' * 10)
    rc, lines, parsed = run('run', pipeline, '--input', inp, '--output', out, '-j', '1', '--known-failures-ok')
    check(rc == 1 and not events(parsed, 'known-failure') and parsed[-1]['failed_now'] == 1,
          f'changed failure with --known-failures-ok: {rc} {lines}')
    # fixed: the run and status are clean again
    shutil.copy(seeds[1], os.path.join(inp, 'broken.txt'))
    rc, lines, parsed = run('run', pipeline, '--input', inp, '--output', out, '-j', '1', '--known-failures-ok')
    s = subprocess.run([exe, 'status', out], capture_output=True, text=True)
    check(rc == 0 and s.returncode == 0, f'after the fix: run {rc}, status {s.returncode} {s.stdout}')

if failures:
    print('\n'.join(failures))
    sys.exit(1)
print('run log: ok')
