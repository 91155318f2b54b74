#!/usr/bin/python3
"""What OUT holds after any failure, and plans refused before any work:
every output file belongs to one input (run and convert), outputs follow the
ledger (a failed, replaced or deleted input leaves none of its earlier files),
an input's files are all or none, a damaged ledger is named and rebuilt,
symlinks, loops, FIFOs and unreadable folders are skipped with the reason,
and no filesystem error escapes as an abort."""
import glob, json, os, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time

import runs

exe, src = sys.argv[1], sys.argv[2]
sanitized = len(sys.argv) > 3 and sys.argv[3] == 'ON'  # no memory limits under the sanitizers
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
failures = []


check = runs.checker(failures)


def run(*args, timeout=300):
    return runs.run_docpipe(exe, *args, timeout=timeout)


def files_under(root):
    """Every file and symlink under root, relative, .docpipe left out."""
    out = set()
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if not (d == root and x == '.docpipe')]
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def ledger_outputs(out):
    db = sqlite3.connect(os.path.join(out, '.docpipe', 'ledger.sqlite'))
    rows = db.execute('SELECT outputs FROM inputs').fetchall()
    db.close()
    return {f for (o,) in rows for f in (o or '').split('\n') if f}


def pipeline(tmp, name, body):
    path = os.path.join(tmp, name + '.xml')
    open(path, 'w').write(body)
    return path


def no_abort(name, r):
    check(r.returncode not in (134, -6) and 'terminate called' not in r.stderr and 'filesystem_error' not in r.stderr,
          f'{name}: aborted: {r.returncode} {r.stderr[-300:]}')


with tempfile.TemporaryDirectory() as tmp:
    # 1. D1: outputs that two inputs would share are refused before any work (78)
    inp = os.path.join(tmp, 'in-same-stem')
    for d in ['d1', 'd2']:
        os.makedirs(os.path.join(inp, d))
    shutil.copy(seeds[0], os.path.join(inp, 'd1', 'r.txt'))
    shutil.copy(seeds[1], os.path.join(inp, 'd2', 'r.txt'))
    flat = pipeline(tmp, 'flat', '<pipeline>\n<output plugin="values" path="{stem}"/>\n<output plugin="xml"/>\n</pipeline>')
    out = os.path.join(tmp, 'out-flat')
    for extra in [[], ['--dry-run']]:
        r, s = run('run', flat, '--input', inp, '--output', out, *extra)
        check(r.returncode == 78 and "'d1/r.txt' and 'd2/r.txt'" in r.stderr and 'values output r.*' in r.stderr,
              f'same stem {extra}: {r.returncode} {r.stderr}')
    check(files_under(out) == set(), f'same stem: work was done: {files_under(out)}')
    inp2 = os.path.join(tmp, 'in-two-kinds')
    os.makedirs(inp2)
    shutil.copy(seeds[0], os.path.join(inp2, 'r.txt'))
    shutil.copy(seeds[1], os.path.join(inp2, 'r.tsv'))
    kinds = pipeline(tmp, 'kinds', '<pipeline><inputs><include glob="**/*.txt"/><include glob="**/*.tsv"/></inputs>'
                     '<output plugin="values"/></pipeline>')
    r, _ = run('run', kinds, '--input', inp2, '--output', os.path.join(tmp, 'out-kinds'))
    check(r.returncode == 78 and "'r.tsv' and 'r.txt'" in r.stderr, f'r.txt + r.tsv: {r.returncode} {r.stderr}')
    # the same rule in convert: refused before any input is converted (64)
    cout = os.path.join(tmp, 'cout-same')
    r, _ = run('convert', os.path.join(inp, 'd1', 'r.txt'), os.path.join(inp, 'd2', 'r.txt'), '-o', cout)
    check(r.returncode == 64 and 'd1/r.txt' in r.stderr and 'd2/r.txt' in r.stderr, f'convert same stem: {r.returncode} {r.stderr}')
    check(not glob.glob(os.path.join(cout, '*.*')), f'convert same stem wrote {os.listdir(cout) if os.path.isdir(cout) else []}')

    # 2. D11-D13: combined names, two outputs of one plugin, an input named like a combined output
    base = os.path.join(tmp, 'in-base')
    os.makedirs(base)
    shutil.copy(seeds[0], base)
    def refused(name, body, words, inp_=base):
        r, _ = run('run', pipeline(tmp, name, body), '--input', inp_, '--output', os.path.join(tmp, 'out-' + name))
        check(r.returncode == 78 and all(w in r.stderr for w in words), f'{name}: {r.returncode} {r.stderr}')
        check(files_under(os.path.join(tmp, 'out-' + name)) == set(), f'{name}: work was done')
    refused('dot', '<pipeline><output plugin="values"/><combined values="."/></pipeline>', ["'.'", 'plain file names'])
    refused('same-combined', '<pipeline><output plugin="values"/><combined values="x.csv" summary="x.csv"/></pipeline>',
            ['both', 'x.csv'])
    refused('two-values', '<pipeline>\n<output plugin="values"/>\n<output plugin="values" path="v/{stem}"/>\n</pipeline>',
            [':3:', "second output of plugin 'values'", 'line 2'])
    clash = os.path.join(tmp, 'in-clash')
    os.makedirs(clash)
    shutil.copy(seeds[0], os.path.join(clash, 'summary.txt'))
    refused('clash', '<pipeline><output plugin="xlsx"/></pipeline>', ["combined output 'summary.xlsx'"], clash)
    # values.txt writes values.values.csv, not values.csv: no clash, no refusal
    fine = os.path.join(tmp, 'in-fine')
    os.makedirs(fine)
    shutil.copy(seeds[0], os.path.join(fine, 'values.txt'))
    r, s = run('run', pipeline(tmp, 'fine', '<pipeline><output plugin="values"/></pipeline>'), '--input', fine,
               '--output', os.path.join(tmp, 'out-fine'))
    check(r.returncode == 0 and s['converted'] == 1, f'values.txt: {r.returncode} {r.stderr}')

    # 3. D4: outputs follow the ledger
    inp = os.path.join(tmp, 'in-follow')
    os.makedirs(os.path.join(inp, 'a'))
    for s_ in seeds:
        shutil.copy(s_, os.path.join(inp, 'a'))
    out = os.path.join(tmp, 'out-follow')
    pl = os.path.join(src, 'pipelines/annual-reports.xml')
    r, s = run('run', pl, '--input', inp, '--output', out, '-j', '2')
    check(r.returncode == 0 and s['converted'] == len(seeds), f'follow: first run {r.returncode} {s}')
    emptied, deleted = (os.path.splitext(os.path.basename(x))[0] for x in seeds[:2])
    open(os.path.join(inp, 'a', emptied + '.txt'), 'w').close()  # replaced by an empty file: fails now
    os.remove(os.path.join(inp, 'a', deleted + '.txt'))
    r, s = run('run', pl, '--input', inp, '--output', out, '-j', '2')
    check(r.returncode == 1 and s['failed'] == 1, f'follow: second run {r.returncode} {s}')
    left = files_under(out)
    check(not any(f.startswith(f'a/{emptied}.') or f.startswith(f'a/{deleted}.') for f in left),
          f'follow: outputs of a failed or deleted input stayed: {sorted(f for f in left if emptied in f or deleted in f)}')
    check(left == ledger_outputs(out) | {'values.csv', 'summary.xlsx'},
          f'follow: OUT differs from the ledger: {sorted(left ^ (ledger_outputs(out) | {"values.csv", "summary.xlsx"}))}')
    check(not glob.glob(os.path.join(out, '**', 'tmp.*'), recursive=True), 'libxlsxwriter temporaries among the outputs')

    # 3b. a run killed after a worker wrote an input's new files and before the
    # ledger recorded them: the next run removes what no record lists, even
    # when that input fails now (its files are found by the ledger's in_flight list)
    db = sqlite3.connect(os.path.join(out, '.docpipe', 'ledger.sqlite'))
    check(db.execute('SELECT count(*) FROM in_flight').fetchone()[0] == 0, 'in_flight not empty after a finished run')
    kept = os.path.splitext(os.path.basename(seeds[2]))[0]
    db.execute('INSERT INTO in_flight (relpath) VALUES (?)', (f'a/{kept}.txt',))
    db.commit()
    db.close()
    for stray in (f'{kept}.table-9.csv', f'{kept}.killed.xlsx'):  # names only the killed run wrote
        open(os.path.join(out, 'a', stray), 'w').write('from the killed run')
    open(os.path.join(inp, 'a', kept + '.txt'), 'w').close()  # and now the input fails
    r, s = run('run', pl, '--input', inp, '--output', out, '-j', '2')
    left = files_under(out)
    check(r.returncode == 1 and not any(f.startswith(f'a/{kept}.') for f in left),
          f'killed run: unrecorded files stayed: {sorted(f for f in left if kept in f)}')
    check(left == ledger_outputs(out) | {'values.csv', 'summary.xlsx'},
          f'killed run: OUT differs from the ledger: {sorted(left ^ (ledger_outputs(out) | {"values.csv", "summary.xlsx"}))}')

    # a wrong option value is refused before any input is read (78, with the line)
    refused('bad-sheets', '<pipeline>\n<output plugin="values"/>\n<output plugin="xlsx">\n'
            '<option name="sheets" value="metadata,templates"/></output></pipeline>', [':3:', 'templates'])
    # a long preamble before the tables does not hide them from the probe
    pre = os.path.join(tmp, 'preamble.txt')
    open(pre, 'w', encoding='utf-8').write('说明：本报告依据《条例》编制。\n' * 6000 + open(seeds[0], encoding='utf-8').read())
    r, _ = run('convert', pre, '-o', os.path.join(tmp, 'cout-preamble'), '-t', 'values')
    check(r.returncode == 0, f'long preamble: {r.returncode} {r.stderr}')

    # 4. D4: convert writes an input's files all or none
    cout = os.path.join(tmp, 'cout-all-or-none')
    r, _ = run('convert', seeds[0], '-o', cout, '-t', 'values,xml,xlsx', '-O', 'xlsx:sheets=metadata,templates')
    check(r.returncode != 0 and 'templates' in r.stderr, f'all or none: {r.returncode} {r.stderr}')
    check(os.listdir(cout) == [], f'all or none: a failed input left {os.listdir(cout)}')
    r, _ = run('convert', seeds[0], '-o', cout, '-t', 'values,xlsx')
    check(r.returncode == 0 and sorted(os.listdir(cout)) == sorted(
        os.path.splitext(os.path.basename(seeds[0]))[0] + x for x in ['.values.csv', '.xlsx']),
          f'convert: {r.returncode} {os.listdir(cout)}')

    # a file size limit (ulimit -f) fails the write with the reason, leaves no temporary,
    # and a killed convert's temporaries are removed by the next convert
    import resource
    cout = os.path.join(tmp, 'cout-fsize')
    os.makedirs(cout)
    open(os.path.join(cout, '.r.xml.tmp-999999999-0'), 'w').write('left by a killed convert')
    r = subprocess.run([exe, 'convert', seeds[0], '-o', cout], capture_output=True, text=True,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20 * 1024, 20 * 1024)))
    check(r.returncode == 73 and 'File too large' in r.stderr and os.listdir(cout) == [],
          f'file size limit: {r.returncode} {r.stderr} {os.listdir(cout)}')

    # convert holds a memory bound like run's workers: an endless input fails with the limit named
    if not sanitized:
        r, _ = run('convert', '/dev/zero', '-o', os.path.join(tmp, 'cout-zero'), '--memory-mb', '256', timeout=60)
        check(r.returncode == 65 and 'memory limit of 256 MiB exceeded' in r.stderr, f'/dev/zero: {r.returncode} {r.stderr}')

    # 5. D5: a damaged ledger is named, with the way out; --rebuild-ledger starts afresh
    db = os.path.join(out, '.docpipe', 'ledger.sqlite')
    size = os.path.getsize(db)
    with open(db, 'r+b') as f:
        f.seek((size // 2) // 4096 * 4096)
        f.write(b'\xa5' * 4096)
    st, _ = run('status', out)
    check(st.returncode == 74 and 'damaged' in st.stderr and '--rebuild-ledger' in st.stderr,
          f'status of a damaged ledger: {st.returncode} {st.stdout} {st.stderr}')
    before = {f: os.path.getmtime(os.path.join(out, f)) for f in files_under(out)}
    r, s = run('run', pl, '--input', inp, '--output', out)
    check(r.returncode == 74 and 'damaged' in r.stderr and s is None, f'run on a damaged ledger: {r.returncode} {r.stderr}')
    check(before == {f: os.path.getmtime(os.path.join(out, f)) for f in files_under(out)},
          'run on a damaged ledger touched the outputs')
    third = os.path.splitext(os.path.basename(seeds[2]))[0]
    os.remove(os.path.join(inp, 'a', third + '.txt'))  # gone while the ledger was damaged
    r, s = run('run', pl, '--input', inp, '--output', out, '--rebuild-ledger')
    check(r.returncode == 1 and s and s['converted'] == len(seeds) - 3, f'--rebuild-ledger: {r.returncode} {s} {r.stderr[-300:]}')
    left = files_under(out)
    check(left == ledger_outputs(out) | {'values.csv', 'summary.xlsx'} and not any(third in f for f in left),
          f'--rebuild-ledger: OUT differs from the ledger: {sorted(left ^ (ledger_outputs(out) | {"values.csv", "summary.xlsx"}))}')
    st, _ = run('status', out)
    # (exit 1: inputs failed, as the run said)
    check(st.returncode == 1 and f'{len(seeds) - 2} inputs' in st.stdout, f'status after rebuild: {st.stdout} {st.stderr}')

    # 5b. SIGTERM: run stops handing out inputs, records those under way, says so
    big = os.path.join(tmp, 'in-big')
    for i in range(30):
        os.makedirs(os.path.join(big, f'd{i:02d}'))
        for s_ in seeds:
            shutil.copy(s_, os.path.join(big, f'd{i:02d}'))
    out = os.path.join(tmp, 'out-term')
    p = subprocess.Popen([exe, 'run', pl, '--input', big, '--output', out, '-j', '2'], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not glob.glob(os.path.join(out, 'd00', '*.xml')):
        time.sleep(0.02)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=300)
    check(p.returncode in (143, 0), f'SIGTERM: exit {p.returncode}: {err[-300:]}')
    if p.returncode == 143:
        check('stopped by Terminated' in err and 'run again to finish' in err, f'SIGTERM: {err[-300:]}')
        # the log (stderr not a terminal) stays JSON lines to the end
        check(all(l.startswith('{') and isinstance(json.loads(l), dict) for l in err.splitlines()),
              f'SIGTERM: a line of the log is not JSON: {err[-300:]}')
        left = files_under(out)
        check(left == ledger_outputs(out), f'SIGTERM: OUT differs from the ledger: {sorted(left ^ ledger_outputs(out))[:5]}')
    r, s = run('run', pl, '--input', big, '--output', out)
    check(r.returncode == 0 and s['failed'] == 0 and files_under(out) == ledger_outputs(out) | {'values.csv', 'summary.xlsx'},
          f'after SIGTERM, a re-run: {r.returncode} {s}')

    # 6. D3: loops, dangling links, FIFOs, sockets, links out of the input folder
    # and symlinked folders are skipped with the reason, and counted
    odd = os.path.join(tmp, 'in-odd')
    os.makedirs(os.path.join(odd, 'sub'))
    shutil.copy(seeds[0], os.path.join(odd, 'good.txt'))
    shutil.copy(seeds[1], os.path.join(odd, 'sub', 'inner.txt'))
    os.symlink('loop.txt', os.path.join(odd, 'loop.txt'))
    os.symlink('nowhere.txt', os.path.join(odd, 'dangling.txt'))
    os.mkfifo(os.path.join(odd, 'fifo.txt'))
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(odd, 'sock.txt'))
    secret = os.path.join(tmp, 'secret.txt')
    shutil.copy(seeds[2], secret)
    os.symlink(secret, os.path.join(odd, 'outside.txt'))
    os.symlink(os.path.join(odd, 'sub', 'inner.txt'), os.path.join(odd, 'inside-link.txt'))
    os.symlink(os.path.join(odd, 'sub'), os.path.join(odd, 'linked-dir'))
    out = os.path.join(tmp, 'out-odd')
    r, s = run('run', pl, '--input', odd, '--output', out, '--jobs', '100000')
    no_abort('--jobs 100000', r)
    check(r.returncode == 64 and 'not in range' in r.stderr, f'--jobs 100000: {r.returncode} {r.stderr}')
    r, s = run('run', pl, '--input', odd, '--output', out, '--jobs', '1024')
    no_abort('odd entries', r)
    check(r.returncode == 0 and s and s['inputs'] == 3 and s['skipped_entries'] == 6, f'odd entries: {r.returncode} {s} {r.stderr[-500:]}')
    events = [json.loads(x) for x in r.stderr.splitlines() if x.startswith('{"event":"skipped"')]
    reasons = {e['file']: e['reason'] for e in events}
    for name, word in [('loop.txt', 'Too many levels of symbolic links'), ('dangling.txt', 'cannot be followed'),
                       ('fifo.txt', 'FIFO'), ('sock.txt', 'socket'), ('outside.txt', 'outside the input folder'),
                       ('linked-dir/', 'symlinked folder')]:
        check(word in reasons.get(name, ''), f'{name}: not skipped with the reason ({word}): {reasons}')
    check(not os.path.exists(os.path.join(out, 'outside.xml')), 'a symlink out of the input folder was followed')
    sock.close()
    # a symlink inside OUT is not followed out of it
    elsewhere = os.path.join(tmp, 'elsewhere')
    os.makedirs(elsewhere)
    os.makedirs(out, exist_ok=True)
    os.symlink(elsewhere, os.path.join(out, 'sub2'))
    os.makedirs(os.path.join(odd, 'sub2'))
    shutil.copy(seeds[3], os.path.join(odd, 'sub2', 'x.txt'))
    r, s = run('run', pl, '--input', odd, '--output', out)
    check(r.returncode == 1 and os.listdir(elsewhere) == [], f'symlink in OUT: {r.returncode} {os.listdir(elsewhere)}')
    st, _ = run('status', out)
    check('sub2/x.txt: output folder' in st.stdout and 'symlink' in st.stdout, f'symlink in OUT: {st.stdout}')
    # no abort on odd command lines either
    r, _ = run('status', out, '--csv', tmp)
    no_abort('status --csv DIR', r)
    check(r.returncode == 73 and 'is a folder' in r.stderr, f'status --csv DIR: {r.returncode} {r.stderr}')
    r, _ = run('convert', os.path.join(odd, 'loop.txt'), '-o', os.path.join(tmp, 'cout-loop'))
    check(r.returncode == 74 and 'loop.txt' in r.stderr, f'convert of a symlink loop: {r.returncode} {r.stderr}')

if failures:
    print('\n'.join(failures))
    print(f'{len(failures)} failed')
    sys.exit(1)
print('run guarantees: all checks passed')
