#!/usr/bin/python3
"""Fault rounds: `docpipe run` is killed with SIGKILL at a random moment,
either the runner itself or one of its workers; a re-run must then leave the
output folder byte for byte as an uninterrupted run does (every per-report
file, values.csv, summary.xlsx), with the same ledger rows and no stray
file (temporaries, libxlsxwriter's staging files).

usage: run_faults_test.py DOCPIPE SOURCE_DIR [ROUNDS]  (rounds are seeded 0..ROUNDS-1)"""
import glob, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time

exe, src = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
pipeline = os.path.join(src, 'pipelines/annual-reports.xml')
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
failures = []


def snapshot(out):
    """Every file under out with its bytes (.docpipe/ledger files aside), and the ledger rows."""
    files = {}
    for d, dirs, names in os.walk(out):
        rel_d = os.path.relpath(d, out)
        if rel_d == '.docpipe':
            extra = [n for n in names if n not in ('lock', 'ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm')]
            for n in extra:
                files[os.path.join('.docpipe', n)] = b'(stray)'
            continue
        for n in names:
            p = os.path.join(d, n)
            files[os.path.relpath(p, out)] = open(p, 'rb').read()
    for d, dirs, names in os.walk(os.path.join(out, '.docpipe', 'tmp')):
        for n in names:
            files[os.path.relpath(os.path.join(d, n), out)] = b'(stray)'
    db = sqlite3.connect(os.path.join(out, '.docpipe', 'ledger.sqlite'))
    rows = db.execute('SELECT relpath, content_hash, pipeline_hash, status, verdict, reasons, error, outputs '
                      'FROM inputs ORDER BY relpath').fetchall()
    db.close()
    return files, rows


def children(pid):
    try:
        out = []
        for t in os.listdir(f'/proc/{pid}/task'):
            out += [int(x) for x in open(f'/proc/{pid}/task/{t}/children').read().split()]
        return out
    except OSError:
        return []


def gone(pid):
    try:
        return open(f'/proc/{pid}/stat').read().split(')')[-1].split()[0] == 'Z'
    except OSError:
        return True


def run(out, *extra):
    return subprocess.run([exe, 'run', pipeline, '--input', inp, '--output', out, '-j', '2', *extra],
                          capture_output=True, text=True, timeout=600)


with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, 'in')
    for i in range(12):
        d = os.path.join(inp, f'd{i:02d}')
        os.makedirs(d)
        for s in seeds:
            shutil.copy(s, d)
    open(os.path.join(inp, 'd00', 'broken.txt'), 'wb').write(b'\x00\x01binary' * 10)  # fails in every run

    ref_out = os.path.join(tmp, 'ref')
    t0 = time.time()
    r = run(ref_out)
    t_ref = time.time() - t0
    if r.returncode != 1:
        print(f'reference run: exit {r.returncode}: {r.stderr[-500:]}')
        sys.exit(1)
    ref = snapshot(ref_out)

    for n in range(rounds):
        rnd = random.Random(n)
        victim = rnd.choice(['runner', 'worker'])
        delay = rnd.uniform(0.02, 0.9) * t_ref  # somewhere in the run
        out = os.path.join(tmp, f'out{n}')
        p = subprocess.Popen([exe, 'run', pipeline, '--input', inp, '--output', out, '-j', '2'],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        kids = children(p.pid)
        if victim == 'runner':
            p.send_signal(signal.SIGKILL)
            p.wait()
            # Orphaned workers finish the inputs they hold, then see their input close.
            deadline = time.time() + 60
            while time.time() < deadline and not all(gone(k) for k in kids):
                time.sleep(0.05)
        else:
            if kids:
                try:
                    os.kill(rnd.choice(kids), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            p.wait(timeout=600)
        r = run(out)
        got = snapshot(out)
        what = f'round {n} (seed {n}: kill -9 of the {victim} after {delay:.2f} s)'
        if r.returncode != 1:
            failures.append(f'{what}: re-run exit {r.returncode}: {r.stderr[-300:]}')
        missing = sorted(set(ref[0]) - set(got[0]))
        stray = sorted(set(got[0]) - set(ref[0]))
        differ = sorted(f for f in set(ref[0]) & set(got[0]) if ref[0][f] != got[0][f])
        if missing or stray or differ:
            failures.append(f'{what}: missing {missing[:3]}, stray {stray[:3]}, differing {differ[:3]}')
        if got[1] != ref[1]:
            diff = [a for a, b in zip(ref[1], got[1]) if a != b][:2]
            failures.append(f'{what}: ledger rows differ: {len(ref[1])} vs {len(got[1])} rows; first: {diff}')
        shutil.rmtree(out)

if failures:
    print('\n'.join(failures))
    print(f'{len(failures)} of {rounds} rounds failed')
    sys.exit(1)
print(f'fault rounds: {rounds} of {rounds} re-runs byte-identical to an uninterrupted run')
