"""`docpipe run … --shard I/N` and `docpipe merge` (docs/cluster.md): for
N = 1, 2, 3 the shards run as separate processes at once, each into its own
output folder; merged, they give byte for byte the files one run gives
(values.csv, summary.xlsx with its cross-year sheet, every report's files)
and the same cross-year findings in the ledger; a run on the merged folder
finds everything up to date. A missing or doubled shard is refused."""
import filecmp, glob, os, shutil, sqlite3, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crossyear_corpus
from runs import run_docpipe
import runs

exe, src, shared = sys.argv[1], sys.argv[2], sys.argv[3]
pipeline = os.path.join(src, 'pipelines', 'annual-reports.xml')
errors = []


check = runs.checker(errors)


def tree(root):
    """Every file under root but the ledger's folder, relative."""
    out = set()
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != '.docpipe']
        out |= {os.path.relpath(os.path.join(d, f), root) for f in files}
    return out


def ledger_rows(out, sql):
    db = sqlite3.connect(os.path.join(out, '.docpipe', 'ledger.sqlite'))
    rows = db.execute(sql).fetchall()
    db.close()
    return rows


with tempfile.TemporaryDirectory() as tmp:
    expected, aliases = crossyear_corpus.build(shared, tmp)
    inp = os.path.join(tmp, 'in')
    os.makedirs(os.path.join(inp, 'seeds'))
    for f in sorted(glob.glob(os.path.join(src, 'tests', 'e2e', 'seeds', '*.txt'))):
        shutil.copy(f, os.path.join(inp, 'seeds'))
    base = [exe, '--agency-aliases', aliases]
    single = os.path.join(tmp, 'single')
    r, s = run_docpipe(exe, *base[1:], 'run', pipeline, '-i', inp, '-o', single, '--no-limits')
    n_inputs = s['inputs'] if s else 0
    check(r.returncode in (0, 1) and n_inputs >= 10, f'single run: {r.returncode} {s} {r.stderr[-300:]}')
    files = tree(single)
    check({'values.csv', 'summary.xlsx'} <= files, f'single run files {sorted(files)[:5]}')
    findings = ledger_rows(single, 'SELECT * FROM cross_year ORDER BY rowid')
    check(len(findings) == len(expected), f'single run: {len(findings)} findings')

    for n in (1, 2, 3):
        shards = [os.path.join(tmp, f'shard-{n}-{i}') for i in range(n)]
        procs = [subprocess.Popen(base + ['run', pipeline, '-i', inp, '-o', shards[i], '--shard', f'{i}/{n}',
                                          '--no-limits', '--jobs', '1'],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(n)]
        outs = [p.communicate(timeout=300) for p in procs]
        check(all(p.returncode in (0, 1) for p in procs), f'N={n}: shard exits {[p.returncode for p in procs]}')
        parts = [set(x for (x,) in ledger_rows(d, 'SELECT relpath FROM inputs')) for d in shards]
        check(sum(map(len, parts)) == n_inputs and len(set().union(*parts)) == n_inputs,
              f'N={n}: shards hold {[len(p) for p in parts]} of {n_inputs} inputs')
        merged = os.path.join(tmp, f'merged-{n}')
        r, s = run_docpipe(exe, *base[1:], 'merge', *reversed(shards), '-o', merged)
        check(r.returncode in (0, 1) and s and s['inputs'] == n_inputs, f'N={n}: merge {r.returncode} {s} {r.stderr}')
        got = tree(merged)
        check(got == files, f'N={n}: merged files differ: {sorted(got ^ files)[:5]}')
        same, diff, err = filecmp.cmpfiles(single, merged, sorted(files & got), shallow=False)
        check(not diff and not err, f'N={n}: files not byte-identical: {diff[:5]} {err[:5]}')
        check(ledger_rows(merged, 'SELECT * FROM cross_year ORDER BY rowid') == findings, f'N={n}: cross-year rows')
        again, s = run_docpipe(exe, *base[1:], 'run', pipeline, '-i', inp, '-o', merged, '--no-limits')
        check(s is not None and s['converted'] == 0 and s['skipped'] == n_inputs,
              f'N={n}: a run on the merged folder converted again: {s}')
        same, diff, err = filecmp.cmpfiles(single, merged, ['values.csv', 'summary.xlsx'], shallow=False)
        check(not diff and not err, f'N={n}: after a run on the merged folder: {diff} {err}')
        if n == 3:
            r = subprocess.run(base + ['merge', shards[0], shards[2], '-o', os.path.join(tmp, 'm')],
                               capture_output=True, text=True)
            check(r.returncode == 78 and 'shard 1/3 is missing' in r.stderr, f'missing shard: {r.returncode} {r.stderr}')
            r = subprocess.run(base + ['merge', shards[0], shards[0], shards[1], '-o', os.path.join(tmp, 'm')],
                               capture_output=True, text=True)
            check(r.returncode == 78 and 'are both shard 0/3' in r.stderr, f'doubled shard: {r.returncode} {r.stderr}')
            # a shard run with another aliases file is another run: refused
            other = os.path.join(tmp, 'other-1')
            subprocess.run([exe, 'run', pipeline, '-i', inp, '-o', other, '--shard', '1/3', '--no-limits'],
                           capture_output=True, text=True)
            r = subprocess.run(base + ['merge', shards[0], other, shards[2], '-o', os.path.join(tmp, 'm')],
                               capture_output=True, text=True)
            check(r.returncode == 78 and 'were run with other pipelines' in r.stderr,
                  f'shards of other runs: {r.returncode} {r.stderr}')

for e in errors:
    print('FAIL:', e)
print('shard/merge:', 'ok' if not errors else f'{len(errors)} failures')
sys.exit(1 if errors else 0)
