#!/usr/bin/python3
"""docpipe run: per-report outputs mirroring the input tree, combined
values.csv and summary.xlsx, the same bytes whatever --jobs is, re-runs that
redo only what changed, recovery after kill -9, the lock, bad pipelines
refused before any work, and inputs that crash, hang or hog memory cost only
themselves."""
import sqlite3, csv, fcntl, glob, json, os, shutil, signal, subprocess, sys, tempfile, time

import runs

exe, src, test_plugins, sanitized = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == 'ON'
pipeline = os.path.join(src, 'pipelines/annual-reports.xml')
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
failures = []

check = runs.checker(failures)

def run(*args, timeout=300):
    return runs.run_docpipe(exe, *args, timeout=timeout)

def values(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.reader(f))

def check_summary(path, rows):
    """summary.xlsx as a person reads it, against the combined values.csv
    `rows`: per template sheet, the header rows are the label levels (a run
    of equal labels on a level merged), each report's cell under the column
    whose levels spell its table / row / column, numbers as numbers; file,
    agency, year, verdict frozen at the left with the header; an autofilter;
    widths that count a CJK character as 2. values.csv has the report's
    agency, year and agency key on every line."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    wb = openpyxl.load_workbook(path)  # not read-only: merges, panes, filter, widths
    head = rows[0]
    check(head[-3:] == ['agency', 'year', 'agency_key'], f'values.csv header {head}')
    col = {name: i for i, name in enumerate(head)}
    for sheet in ('ogi-2019', 'ogi-2021'):
        ws = wb[sheet]
        heads = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == 'file')
        check(heads > 2, f'{sheet}: {heads} header row(s), want one per label level')
        check([ws.cell(heads, c).value for c in range(1, 5)] == ['file', 'agency', 'year', 'verdict'],
              f'{sheet}: metadata columns {[ws.cell(heads, c).value for c in range(1, 8)]}')
        check(ws.freeze_panes == f'E{heads + 1}', f'{sheet}: frozen at {ws.freeze_panes}, want E{heads + 1}')
        want_filter = f'A{heads}:{get_column_letter(ws.max_column)}{max(ws.max_row, heads)}'
        check(ws.auto_filter.ref == want_filter, f'{sheet}: autofilter {ws.auto_filter.ref}, want {want_filter}')
        # every merge is one header row, across a run of one label
        merged = {}
        for m in ws.merged_cells.ranges:
            check(m.min_row == m.max_row <= heads - 1, f'{sheet}: merge {m} outside one header row')
            for c in range(m.min_col, m.max_col + 1):
                merged[(m.min_row, c)] = ws.cell(m.min_row, m.min_col).value
        check(any(r == 1 for r, _ in merged), f'{sheet}: the table names are not merged over their columns')
        def label(r, c):
            return merged.get((r, c), ws.cell(r, c).value)
        columns = {}
        for c in range(8, ws.max_column + 1):
            columns['/'.join(str(label(r, c)) for r in range(1, heads + 1) if label(r, c) is not None)] = c
        check(len(columns) == ws.max_column - 7, f'{sheet}: {ws.max_column - 7} columns, {len(columns)} distinct label paths')
        # a level is a label, even one holding the path separator (the template's 本年增/减)
        check(sheet != 'ogi-2019' or '本年增/减' in {ws.cell(heads, c).value for c in range(8, ws.max_column + 1)},
              f'{sheet}: the label 本年增/减 is not one header cell')
        row_of = {ws.cell(r, 1).value: r for r in range(heads + 1, ws.max_row + 1)}
        seen = 0
        for v in rows[1:]:
            if v[col['template']] != sheet or v[col['file']] not in row_of:
                continue
            r = row_of[v[col['file']]]
            key = '/'.join(x for x in (v[col['table']], v[col['row']], v[col['column']]) if x)
            c = columns.get(key)
            check(c is not None, f'{sheet}: no column for {key}')
            if c is None:
                continue
            got = ws.cell(r, c).value
            if v[col['value']] == '':
                check(got is None, f'{sheet} {v[0]} {key}: {got!r} for a blank')
            elif v[col['state']] == 'number':
                check(isinstance(got, (int, float)) and got == float(v[col['number']]),
                      f'{sheet} {v[0]} {key}: {got!r} is not the number {v[col["number"]]}')
            seen += 1
            # agency and year in values.csv are the report's, as the summary has them
            agency, year = ws.cell(r, 2).value, ws.cell(r, 3).value
            check(v[col['agency']] == (agency or '') and v[col['year']] == ('' if year is None else str(year)),
                  f'values.csv agency/year {v[-2:]} != summary {agency!r} {year!r}')
            check(year is None or isinstance(year, (int, float)), f'{sheet}: year {year!r} stored as text')
        check(seen > 0 or sheet == 'ogi-2021', f'{sheet}: no value of values.csv checked against the sheet')
        # widths: a CJK character counts 2, capped
        for r in range(heads + 1, ws.max_row + 1):
            title = ws.cell(r, 6).value or ''
            width = ws.column_dimensions['F'].width
            check(width >= min(2 * len(title), 40), f'{sheet}: title column {width} wide for {title!r}')
    # LibreOffice opens it and shows the header levels (skipped without Calc: CI has no LibreOffice)
    soffice = shutil.which('soffice')
    if not soffice or not glob.glob('/usr/lib/libreoffice/program/libsc*.so'):
        print('LibreOffice Calc not installed: summary.xlsx not converted to PDF (skipped)')
        return
    with tempfile.TemporaryDirectory() as lo:
        r = subprocess.run([soffice, f'-env:UserInstallation=file://{lo}/profile', '--headless', '--convert-to', 'pdf',
                            '--outdir', lo, os.path.abspath(path)], capture_output=True, text=True, timeout=300)
        pdf = os.path.join(lo, 'summary.pdf')
        check(r.returncode == 0 and os.path.exists(pdf), f'soffice could not convert summary.xlsx: {r.stderr[-300:]}')
        if os.path.exists(pdf):
            text = subprocess.run(['pdftotext', pdf, '-'], capture_output=True, text=True).stdout
            for want in ['主动公开政府信息情况', '第二十条第（一）项', '本年新制作数量', 'agency', 'verdict']:
                check(want in text, f'the PDF of summary.xlsx lacks {want!r}')

with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, 'in')
    os.makedirs(os.path.join(inp, 'a'))
    os.makedirs(os.path.join(inp, 'b', 'c'))
    for s in seeds:
        shutil.copy(s, os.path.join(inp, 'a'))
    shutil.copy(seeds[0], os.path.join(inp, 'b', 'c'))  # the same name in another folder
    open(os.path.join(inp, 'b', 'broken.txt'), 'wb').write(b'\x00\x01\x02binary' * 10)
    open(os.path.join(inp, 'b', 'notes.md'), 'w').write('not an input: excluded by the glob')
    shutil.copy(seeds[1], inp)  # an input at the top: its outputs go to the top of the output folder
    n_inputs = len(seeds) + 3

    # 1. a first run; bad inputs fail alone; outputs mirror the tree
    out1 = os.path.join(tmp, 'out1')
    r, s = run('run', pipeline, '--input', inp, '--output', out1, '-j', '1')
    check(r.returncode == 1, f'first run: exit {r.returncode} (want 1: an input failed): {r.stderr[-300:]}')
    check(s and s['inputs'] == n_inputs and s['converted'] == n_inputs - 1 and s['failed'] == 1, f'summary {s}')
    stem = os.path.splitext(os.path.basename(seeds[0]))[0]
    top = os.path.splitext(os.path.basename(seeds[1]))[0]
    check(not os.path.exists(f'/{top}.xml'), 'an output was written to the file system root')
    for rel in [f'a/{stem}.xlsx', f'a/{stem}.xml', f'a/{stem}.values.csv', f'b/c/{stem}.values.csv', f'{top}.xml']:
        check(os.path.exists(os.path.join(out1, rel)), f'missing {rel}')
    check('"event":"input"' in r.stderr, 'no JSON-lines progress on a non-terminal stderr')
    rows = values(os.path.join(out1, 'values.csv'))
    check(rows[0][:6] == ['file', 'template', 'table', 'row', 'column', 'value'], f'combined header {rows[0]}')
    files = {x[0] for x in rows[1:]}
    check(f'a/{os.path.basename(seeds[0])}' in files and f'b/c/{os.path.basename(seeds[0])}' in files,
          f'file column is not the relative path: {sorted(files)[:3]}')
    check(len(rows) - 1 == 198 * (n_inputs - 1), f'combined rows {len(rows) - 1}')
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(out1, 'summary.xlsx'), read_only=True)
    check({'ogi-2019', 'checks', 'failures'} <= set(wb.sheetnames), f'summary sheets {wb.sheetnames}')
    # the per-report workbook of annual-reports.xml: metadata, template tables, checks
    report = openpyxl.load_workbook(os.path.join(out1, f'a/{stem}.xlsx'), read_only=True)
    check(report.sheetnames[0] == 'metadata' and report.sheetnames[-1] == 'checks' and len(report.sheetnames) == 5
          and 'values' not in report.sheetnames, f'per-report sheets {report.sheetnames}')
    fails = list(wb['failures'].iter_rows(values_only=True))
    check(len(fails) == 2 and fails[1][0] == 'b/broken.txt' and 'binary' in fails[1][1], f'failures sheet {fails}')
    rep = list(wb['ogi-2019'].iter_rows(values_only=True))
    heads = next(i for i, row in enumerate(rep) if row[0] == 'file') + 1  # header rows: the label levels
    check(len(rep) == heads + n_inputs - 1 and len(rep[0]) == 8 + 198, f'ogi-2019 sheet {len(rep)} x {len(rep[0])}')
    check_summary(os.path.join(out1, 'summary.xlsx'), rows)

    # 2. the same bytes whatever --jobs is
    out2 = os.path.join(tmp, 'out2')
    run('run', pipeline, '--input', inp, '--output', out2, '-j', '3')
    for rel in ['values.csv', 'summary.xlsx', f'a/{stem}.xlsx', f'a/{stem}.xml']:
        check(open(os.path.join(out1, rel), 'rb').read() == open(os.path.join(out2, rel), 'rb').read(),
              f'{rel} differs between -j1 and -j3')

    # 3. a re-run redoes only what changed
    r, s = run('run', pipeline, '--input', inp, '--output', out1)
    check(s and s['converted'] == 0 and s['skipped'] == n_inputs - 1, f're-run: {s}')
    with open(os.path.join(inp, 'b', 'c', os.path.basename(seeds[0])), 'a', encoding='utf-8') as f:
        f.write('\n附：本报告的电子版可在网站下载。\n')
    r, _ = run('run', pipeline, '--input', inp, '--output', out1, '--dry-run')
    check('would convert\tb/c/' in r.stdout and 'content changed' in r.stdout, f'dry run: {r.stdout}')
    check('would convert\ta/' not in r.stdout, 'dry run would redo unchanged inputs')
    r, s = run('run', pipeline, '--input', inp, '--output', out1)
    check(s and s['converted'] == 1, f'after a change: {s}')
    # a touched input (new modification time, same bytes) is hashed, found
    # unchanged and skipped; the ledger then holds its new stat, so the next
    # run does not read it again
    touched = os.path.join(inp, 'a', os.path.basename(seeds[0]))
    os.utime(touched, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    r, s = run('run', pipeline, '--input', inp, '--output', out1)
    check(s and s['converted'] == 0, f'a touched file was converted again: {s}')
    db = sqlite3.connect(os.path.join(out1, '.docpipe', 'ledger.sqlite'))
    got = db.execute('SELECT size, mtime_ns FROM inputs WHERE relpath = ?',
                     (f'a/{os.path.basename(seeds[0])}',)).fetchone()
    db.close()
    check(got == (os.path.getsize(touched), 1_700_000_000_123_456_789), f'ledger stat after touch: {got}')
    # a ledger written before the stat columns existed is upgraded in place
    out3 = os.path.join(tmp, 'out3')
    shutil.copytree(out1, out3)
    db = sqlite3.connect(os.path.join(out3, '.docpipe', 'ledger.sqlite'))
    db.execute('ALTER TABLE inputs DROP COLUMN size')
    db.execute('ALTER TABLE inputs DROP COLUMN mtime_ns')
    db.commit()
    db.close()
    r, s = run('run', pipeline, '--input', inp, '--output', out3)
    check(r.returncode == 1 and s and s['converted'] == 0 and s['skipped'] == n_inputs - 1, f'old ledger: {s} {r.stderr[-300:]}')
    shutil.rmtree(out3)
    r, s = run('run', pipeline, '--input', inp, '--output', out1, '--force')
    check(s and s['converted'] == n_inputs - 1, f'--force: {s}')
    r, _ = run('status', out1, '--csv', os.path.join(tmp, 'status.csv'))
    check(f'{n_inputs} inputs' in r.stdout and 'failed  b/broken.txt' in r.stdout, f'status: {r.stdout}')
    check(open(os.path.join(tmp, 'status.csv'), encoding='utf-8-sig').read().startswith('relpath,status'), 'status csv')

    # 4. the lock: a second run of the same output folder is refused (75)
    with open(os.path.join(out1, '.docpipe', 'lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r, _ = run('run', pipeline, '--input', inp, '--output', out1)
        check(r.returncode == 75 and 'another run holds the lock' in r.stderr, f'lock: {r.returncode} {r.stderr}')
        # the cron line's own flock: the scheduled command is skipped while a run holds it
        cron_line = open(os.path.join(src, 'pipelines/docpipe-annual-reports.cron')).read().splitlines()[-1]
        check(cron_line.split()[5:7] == ['/usr/bin/flock', '-n'], f'cron line: {cron_line}')
    with open(os.path.join(tmp, 'cron.lock'), 'w') as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        cron = subprocess.run(['flock', '-n', os.path.join(tmp, 'cron.lock'), exe, 'run', pipeline, '--input', inp,
                               '--output', out1], capture_output=True)
        check(cron.returncode == 1 and b'"converted"' not in cron.stdout, 'flock -n ran docpipe while the lock was held')
    cron = subprocess.run(['flock', '-n', os.path.join(tmp, 'cron.lock'), exe, 'run', pipeline, '--input', inp,
                           '--output', out1], capture_output=True, text=True)
    check(cron.returncode == 1 and '"skipped"' in cron.stdout, f'flock -n did not run docpipe once free: {cron.returncode}')

    # 5. kill -9 mid-run, then a re-run finishes with nothing lost or doubled
    big = os.path.join(tmp, 'big')
    for i in range(40):
        d = os.path.join(big, f'd{i:02d}')
        os.makedirs(d)
        for s_ in seeds:
            shutil.copy(s_, d)
    out3 = os.path.join(tmp, 'out3')
    p = subprocess.Popen([exe, 'run', pipeline, '--input', big, '--output', out3, '-j', '2'],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    p.send_signal(signal.SIGKILL)
    p.wait()
    time.sleep(0.5)  # orphaned workers finish their one input
    r, s = run('run', pipeline, '--input', big, '--output', out3)
    check(r.returncode == 0 and s and s['failed'] == 0, f'after kill -9: {r.returncode} {s}')
    rows = values(os.path.join(out3, 'values.csv'))
    keys = [(x[0], x[2], x[3], x[4]) for x in rows[1:]]
    check(len(keys) == 198 * 160 and len(set(keys)) == len(keys), f'after kill -9: {len(keys)} cells, {len(set(keys))} distinct')
    stray = [f for f in glob.glob(os.path.join(out3, '**', '.*tmp-*'), recursive=True)]
    check(not stray, f'temporary files left: {stray[:3]}')

    # 6. bad pipelines are refused before any work, with the line and the reason
    def bad(name, text, words):
        path = os.path.join(tmp, name + '.xml')
        open(path, 'w').write(text)
        out = os.path.join(tmp, 'out-' + name)
        r, _ = run('run', path, '--input', inp, '--output', out)
        check(r.returncode == 78, f'{name}: exit {r.returncode}')
        for w in words:
            check(w in r.stderr, f'{name}: stderr lacks {w!r}: {r.stderr}')
        check(not glob.glob(os.path.join(out, '**', '*.xlsx'), recursive=True), f'{name}: work was done')
    bad('unknown-plugin', '<pipeline>\n<output plugin="pdf"/>\n</pipeline>', [':2:', "unknown output plugin 'pdf'"])
    bad('unknown-option', '<pipeline>\n<output plugin="csv">\n<option name="colour" value="red"/></output></pipeline>',
        [':3:', "no option 'colour'"])
    bad('escaping', '<pipeline>\n\n<output plugin="xml" path="../../{stem}"/></pipeline>', [':3:', 'escape the output folder'])
    bad('absolute', '<pipeline><output plugin="xml" path="/tmp/{stem}"/></pipeline>', [':1:', 'absolute'])
    bad('unknown-element', '<pipeline>\n<outputs/>\n</pipeline>', [':2:', 'unknown element <outputs>'])
    r, _ = run('run', pipeline, '--input', os.path.join(tmp, 'nowhere'), '--output', os.path.join(tmp, 'o'))
    check(r.returncode == 78 and 'does not exist' in r.stderr, f'missing input folder: {r.returncode} {r.stderr}')

    # 7. isolation: a crash, a hang and a memory hog cost only their input
    iso = os.path.join(tmp, 'iso')
    os.makedirs(iso)
    shutil.copy(seeds[0], iso)
    open(os.path.join(iso, 'crash.txt'), 'w').write('CRASH please\n')
    open(os.path.join(iso, 'hang.txt'), 'w').write('HANG please\n')
    if not sanitized:
        open(os.path.join(iso, 'hog.txt'), 'w').write('HOG please\n')
    pl = os.path.join(tmp, 'limited.xml')
    open(pl, 'w').write('<pipeline><output plugin="values"/><limits seconds="3" memory-mb="512"/></pipeline>')
    t0 = time.time()
    r, s = run('--plugin-dir', test_plugins, 'run', pl, '--input', iso, '--output', os.path.join(tmp, 'out-iso'), timeout=120)
    check(r.returncode == 1 and s and s['converted'] == 1 and s['failed'] == len(os.listdir(iso)) - 1,
          f'isolation: {r.returncode} {s} {r.stderr[-500:]}')
    st, _ = run('status', os.path.join(tmp, 'out-iso'))
    # Under AddressSanitizer the SEGV is caught and reported, and the worker exits 1.
    check('crash.txt: the parser crashed (Segmentation fault)' in st.stdout or
          (sanitized and 'crash.txt: the worker exited' in st.stdout and 'SEGV' in st.stdout),
          f'crash not reported: {st.stdout}')
    check('hang.txt: time limit of 3 s exceeded' in st.stdout, f'hang not reported: {st.stdout}')
    if not sanitized:
        check('hog.txt' in st.stdout and 'memory limit of 512 MiB exceeded' in st.stdout, f'hog not reported: {st.stdout}')
    check(time.time() - t0 < 60, 'the hang held up the run')

    # 8. one worker with a job queued behind the one that crashes or hangs:
    # the queued input goes to the new worker and is converted; the failure
    # is charged to the input that caused it
    q = os.path.join(tmp, 'queued')
    os.makedirs(q)
    open(os.path.join(q, '1-crash.txt'), 'w').write('CRASH please\n')
    shutil.copy(seeds[0], os.path.join(q, '2-good.txt'))
    open(os.path.join(q, '3-hang.txt'), 'w').write('HANG please\n')
    shutil.copy(seeds[1], os.path.join(q, '4-good.txt'))
    r, s = run('--plugin-dir', test_plugins, 'run', pl, '--input', q, '--output', os.path.join(tmp, 'out-q'), '-j', '1',
               timeout=120)
    check(r.returncode == 1 and s and s['converted'] == 2 and s['failed'] == 2, f'queued: {r.returncode} {s}')
    st, _ = run('status', os.path.join(tmp, 'out-q'))
    check('failed  1-crash.txt' in st.stdout and 'failed  3-hang.txt: time limit' in st.stdout and
          'failed  2-good' not in st.stdout and 'failed  4-good' not in st.stdout, f'queued status: {st.stdout}')

if failures:
    print('\n'.join(failures))
    print(f'{len(failures)} failed')
    sys.exit(1)
print('bulk runs: all checks passed')
