#!/usr/bin/python3
"""The combined values.csv and summary.xlsx of a run are built from the
template cells the workers return and the ledger keeps, whatever outputs the
pipeline has: a pipeline with only the `xml` output gets the same complete
combined files as one with the `values` output, each line of values.csv being
a line of the report's own .values.csv with its agency and year; an unchanged
input keeps its cells across runs, and a changed one replaces them."""
import csv, glob, io, os, shutil, sys, tempfile

import runs

exe, src = sys.argv[1], sys.argv[2]
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
failures = []


check = runs.checker(failures)


def records(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.reader(f))


def pipeline(tmp, name, outputs):
    path = os.path.join(tmp, name + '.xml')
    with open(path, 'w') as f:
        f.write(f'<pipeline name="{name}"><inputs folder="."><include glob="**/*.txt"/></inputs>' +
                ''.join(f'<output plugin="{o}" path="{{relpath}}/{{stem}}"/>' for o in outputs) +
                '<combined values="values.csv" summary="summary.xlsx"/></pipeline>')
    return path


with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, 'in')
    os.makedirs(os.path.join(inp, 'sub'))
    for k, s in enumerate(seeds):
        shutil.copy(s, os.path.join(inp, 'sub' if k % 2 else '', os.path.basename(s)))
    with_values, xml_only = os.path.join(tmp, 'out-values'), os.path.join(tmp, 'out-xml')
    for p, out in ((pipeline(tmp, 'with-values', ['xml', 'values']), with_values),
                   (pipeline(tmp, 'xml-only', ['xml']), xml_only)):
        r, summary = runs.run_docpipe(exe, 'run', p, '--input', inp, '--output', out, '--jobs', '2')
        check(r.returncode == 0 and summary and summary['converted'] == len(seeds),
              f'{p}: exit {r.returncode}: {r.stderr[-500:]}')

    combined = records(os.path.join(xml_only, 'values.csv'))
    check(combined[0][-3:] == ['agency', 'year', 'agency_key'], f'header {combined[0]}')
    # Every line of each report's own values file, with its agency, year and agency key, in relpath order.
    expected = [combined[0][:-3]]
    for vf in sorted(glob.glob(os.path.join(with_values, '**/*.values.csv'), recursive=True),
                     key=lambda f: os.path.relpath(f, with_values)):
        expected += records(vf)[1:]
    check(len(combined) > len(seeds) * 50, f'values.csv has {len(combined)} lines for {len(seeds)} reports')
    check([rec[:-3] for rec in combined] == expected,
          'values.csv of the xml-only pipeline is not the reports\' values lines')
    check(all(rec[-2] for rec in combined[1:]), 'a line of values.csv has no year')
    for name in ('values.csv', 'summary.xlsx'):
        with open(os.path.join(xml_only, name), 'rb') as a, open(os.path.join(with_values, name), 'rb') as b:
            check(a.read() == b.read(), f'{name}: the xml-only pipeline wrote other bytes than the one with values')

    # A re-run converts nothing and keeps every cell (from the ledger).
    before = open(os.path.join(xml_only, 'values.csv'), 'rb').read()
    r, summary = runs.run_docpipe(exe, 'run', pipeline(tmp, 'xml-only', ['xml']), '--input', inp, '--output', xml_only)
    check(summary and summary['converted'] == 0, f'the re-run converted {summary and summary["converted"]}')
    check(open(os.path.join(xml_only, 'values.csv'), 'rb').read() == before, 'the re-run changed values.csv')

    # A changed input replaces its cells; the others stay.
    victim = os.path.join(inp, os.path.basename(seeds[0]))
    text = open(victim, encoding='utf-8').read()
    with open(victim, 'w', encoding='utf-8') as f:
        f.write('无关的一行\n' + text)
    r, summary = runs.run_docpipe(exe, 'run', pipeline(tmp, 'xml-only', ['xml']), '--input', inp, '--output', xml_only)
    check(summary and summary['converted'] == 1, f'the run after a change converted {summary and summary["converted"]}')
    after = records(os.path.join(xml_only, 'values.csv'))
    name = os.path.basename(seeds[0])
    moved = [rec for rec in after[1:] if rec[0] == name]
    was = [rec for rec in combined[1:] if rec[0] == name]
    check(len(moved) == len(was) and
          all((n[9], n[5]) == (str(int(o[9]) + 1) if o[9] else '', o[5]) for n, o in zip(moved, was)),
          'the changed input\'s cells do not carry its new source lines (one line further down)')
    check([rec for rec in after if rec[0] != name] == [rec for rec in combined if rec[0] != name],
          'the other inputs\' lines changed')

for f in failures:
    print('FAIL:', f)
print(f'{len(seeds)} seeds: {"ok" if not failures else str(len(failures)) + " failures"}')
sys.exit(1 if failures else 0)
