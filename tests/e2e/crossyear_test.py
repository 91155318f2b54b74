"""Cross-year checks (docs/cross-year.md): a folder of two years of the same
agencies, built from the corpus at test time (crossyear_corpus.py: years
changed, numbers carried over, a few deliberate breaks), gets exactly the
breaks it was given, each naming both reports, both cells and their source
lines, and nothing else; in the ledger, summary.xlsx, `status`, `review` and
`validate` over several files. Also the agency key's aliases file."""
import csv, glob, os, re, sqlite3, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crossyear_corpus
from runs import run_docpipe
import runs

exe, src, shared = sys.argv[1], sys.argv[2], sys.argv[3]
pipeline = os.path.join(src, 'pipelines', 'annual-reports.xml')
errors = []


check = runs.checker(errors)


def findings(out):
    db = sqlite3.connect(os.path.join(out, '.docpipe', 'ledger.sqlite'))
    rows = db.execute('SELECT kind, agency, identity, instance, previous_year, year, previous_file, file, '
                      'previous_cells, cells, expected, actual, note FROM cross_year ORDER BY rowid').fetchall()
    db.close()
    return rows


with tempfile.TemporaryDirectory() as tmp:
    expected, aliases = crossyear_corpus.build(shared, tmp)
    inp, out = os.path.join(tmp, 'in'), os.path.join(tmp, 'out')
    r, summary = run_docpipe(exe, '--agency-aliases', aliases, 'run', pipeline, '-i', inp, '-o', out, '--no-limits')
    check(r.returncode == 0 and summary and summary['converted'] == 10, f'run: {r.returncode} {summary} {r.stderr[-500:]}')
    got = findings(out)
    check({f[:6] for f in got} == expected and len(got) == len(expected),
          'findings differ:\n  got ' + '\n      '.join(map(str, sorted(f[:6] for f in got))) +
          '\n  want ' + '\n      '.join(map(str, sorted(expected))))
    # Each failure names both reports, both cells and their source lines: the
    # line named holds the cell's row label in that file.
    for f in got:
        if f[0] != 'fail':
            continue
        for rel, cells in ((f[6], f[8]), (f[7], f[9])):
            lines = open(os.path.join(inp, rel), encoding='utf-8').read().split('\n')
            named = re.findall(r'([^;]*?) = [^;]* \(line (\d+)\)', cells)
            check(named, f'{f[:6]}: no cell with its line in {cells!r}')
            for label, line in named:
                row = label.split(' / ')[1].split('/')[-1]
                check(row in lines[int(line) - 1], f'{f[:6]}: line {line} of {rel} does not hold {row}')
        check(f[10] != '' and f[11] != '' and f[10] != f[11], f'{f[:6]}: expected {f[10]}, actual {f[11]}')

    # status: the counts and a line per failure and gap
    st = subprocess.run([exe, 'status', out], capture_output=True, text=True)
    check('cross-year: 4 failures, 1 gaps, 0 duplicates, 1 not checkable, 0 possible aliases' in st.stdout, f'status: {st.stdout}')
    check(st.stdout.count('cross-year FAIL') == 4 and st.stdout.count('cross-year gap') == 1, f'status: {st.stdout}')

    # review: a line per failure under its own group, naming this year's file
    rv = subprocess.run([exe, 'review', out], capture_output=True, text=True)
    check(rv.returncode == 0, f'review: exit {rv.returncode}: {rv.stderr}')
    group = rv.stdout.split('cross-year: ', 1)[1].split('\n') if 'cross-year: ' in rv.stdout else []
    check(group and '(4 items' in group[0], f'review: {rv.stdout}')
    fail_lines = [l for l in group[1:5] if l.startswith('  ')]
    check(len(fail_lines) == 4, f'review cross-year lines: {group[:6]}')
    for f in got:
        if f[0] == 'fail':
            check(any(l.strip().startswith(f[7]) and f[2] in l and f[6] in l for l in fail_lines),
                  f'review does not list {f[:6]}: {fail_lines}')

    # summary.xlsx: a cross-year sheet with the same rows
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(out, 'summary.xlsx'), read_only=True)
    check('cross-year' in wb.sheetnames, f'summary sheets {wb.sheetnames}')
    if 'cross-year' in wb.sheetnames:
        rows = list(wb['cross-year'].iter_rows(values_only=True))
        check(rows[0][:4] == ('kind', 'agency', 'identity', 'instance'), f'cross-year header {rows[0]}')
        check(sorted((r[0], r[1], r[2] or '', r[3] or '') for r in rows[1:]) == sorted(f[:4] for f in got),
              f'cross-year sheet rows {rows[1:]}')

    # values.csv: the agency key ends every record (the aliases file applied)
    with open(os.path.join(out, 'values.csv'), encoding='utf-8-sig', newline='') as fh:
        vals = list(csv.reader(fh))
    check(vals[0][-1] == 'agency_key', f'values.csv header {vals[0][-3:]}')
    keys = {row[-1] for row in vals[1:]}
    check(keys == {k for _, k, *rest in expected} | {'农安县交通运输局'}, f'agency keys {keys}')

    # The model names the agency as written and its key (the aliases file applied).
    reports = [re.search(r'<report [^>]*>', open(f, encoding='utf-8').read())
               for f in glob.glob(os.path.join(out, '*', '*.xml'))]
    aliased = [m.group(0) for m in reports if m and 'agency="长春市' in m.group(0)]
    check(len(aliased) == 1 and re.search(r'agency="长春市(.*?)" agency-key="\1"', aliased[0]),
          f'model of the aliased agency: {aliased}')

    # Without the aliases file 长春市榆树市… and 榆树市… are two agencies: their checks are gone.
    out2 = os.path.join(tmp, 'out-no-aliases')
    r, _ = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out2, '--no-limits')
    # Only a hint names them: the longer name ends with the shorter one after a city (市).
    aliased = next(e for e in expected if e[1] == '榆树市市场监督管理局')
    hint = ('possible-alias', '榆树市市场监督管理局', '', '', aliased[5], aliased[4])
    got2 = findings(out2)
    check({f[:6] for f in got2} == {e for e in expected if e[1] != '榆树市市场监督管理局'} | {hint},
          f'without aliases: {[f[:6] for f in got2]}')
    check(any(f[0] == 'possible-alias' and '长春市榆树市市场监督管理局' in f[12] and
              '榆树市市场监督管理局,长春市榆树市市场监督管理局' in f[12] for f in got2),
          f'the hint does not give the aliases line: {[f[12] for f in got2 if f[0] == "possible-alias"]}')

    # validate over several files: the same findings, exit 2
    files = sorted(os.path.join(d, n) for d, _, ns in os.walk(inp) for n in ns)
    v = subprocess.run([exe, '--agency-aliases', aliases, 'validate', *files], capture_output=True, text=True)
    check(v.returncode == 2 and 'cross-year: 4 failures, 1 gaps, 0 duplicates, 1 not checkable, 0 possible aliases' in v.stdout,
          f'validate: {v.returncode} {v.stdout[-800:]} {v.stderr[-300:]}')

    # A bad aliases file is refused naming the file and line.
    bad = os.path.join(tmp, 'bad.csv')
    with open(bad, 'w', encoding='utf-8') as fh:
        fh.write('alias,agency\n甲局,乙局,丙局\n')
    b = subprocess.run([exe, '--agency-aliases', bad, 'validate', files[0]], capture_output=True, text=True)
    check(b.returncode == 78 and f'{bad}:2: expected two fields' in b.stderr, f'bad aliases: {b.returncode} {b.stderr}')
    with open(bad, 'w', encoding='utf-8') as fh:
        fh.write('甲局,乙局\n乙局,丙局\n')
    b = subprocess.run([exe, '--agency-aliases', bad, 'validate', files[0]], capture_output=True, text=True)
    check(b.returncode == 78 and f'{bad}:1: agency' in b.stderr and 'is itself an alias (line 2)' in b.stderr,
          f'alias chain: {b.returncode} {b.stderr}')

for e in errors:
    print('FAIL:', e)
print('cross-year:', 'ok' if not errors else f'{len(errors)} failures')
sys.exit(1 if errors else 0)
