#!/usr/bin/python3
"""The review workflow end to end, as README tells it: a run; `docpipe review`
lists the doubtful cells with their source lines; its --csv rows, put right,
become an overrides file; the re-run applies them to the inputs they name
(and only those), the corrected values show as corrections in every output
(model, values CSVs, per-report and summary workbooks), the identities are
checked again, and a third run keeps them without converting anything.
Bad override rows are refused naming the file and line."""
import csv, io, os, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runs import run_docpipe
import runs

exe, src = sys.argv[1], sys.argv[2]
pipeline = os.path.join(src, 'pipelines', 'annual-reports.xml')
seed = os.path.join(src, 'tests', 'e2e', 'seeds', '000_7857eb71252cdf4c.txt')
other = os.path.join(src, 'tests', 'e2e', 'seeds', '001_1c7dedf2c7f4d245.txt')
failures = []
TABLE = '收到和处理政府信息公开申请情况'
ROW = '一、本年新收政府信息公开申请数量'


check = runs.checker(failures)


def rows(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.DictReader(f))


def cell(values, file, column):
    hits = [r for r in values if r['file'] == file and r['table'] == TABLE and r['row'] == ROW
            and r['column'] == column]
    return hits[0] if len(hits) == 1 else None


def review(out, *extra):
    r = subprocess.run([exe, 'review', out, *extra], capture_output=True, text=True)
    check(r.returncode == 0, f'review exit {r.returncode}: {r.stderr}')
    return r.stdout


with tempfile.TemporaryDirectory() as tmp:
    inp, out = os.path.join(tmp, 'in'), os.path.join(tmp, 'out')
    os.makedirs(os.path.join(inp, 'a'))
    lines = open(seed, encoding='utf-8').read().split('\n')
    # a/r.txt: 自然人 of the first row of 收到和处理 printed as 7 (the truth: 0), so two identities fail.
    assert lines[108] == '\t0', lines[108]
    wrong = lines[:108] + ['\t7'] + lines[109:]
    open(os.path.join(inp, 'a', 'r.txt'), 'w', encoding='utf-8').write('\n'.join(wrong))
    # x.txt: the same row with a cell lost, so its values are placed by alignment.
    open(os.path.join(inp, 'x.txt'), 'w', encoding='utf-8').write('\n'.join(lines[:109] + lines[110:]))
    shutil.copy(other, os.path.join(inp, 's.txt'))

    # 1. The first run; review lists the doubtful cells with their lines.
    r, summary = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '--jobs', '1')
    check(r.returncode == 0 and summary and summary['review'] == 2, f'first run: {r.returncode} {summary} {r.stderr}')
    text = review(out)
    check('failed-identity' in text and 'a/r.txt | ' + TABLE in text and 'line 109' in text,
          f'review lists the failing identity and the line of its wrong term:\n{text}')
    check('ambiguous-placement' in text and 'x.txt | ' + TABLE + ' | ' + ROW + ' | 自然人' in text,
          f'review lists the cells placed by alignment:\n{text}')
    check('s.txt' not in text, f'a report that is ok is not listed:\n{text}')
    draft_path = os.path.join(tmp, 'review.csv')
    review(out, '--csv', draft_path)
    draft = rows(draft_path)
    check(list(draft[0].keys())[:6] == ['file', 'table', 'row', 'column', 'value', 'note'],
          f'the review CSV starts with the overrides columns: {list(draft[0].keys())}')

    # 2. The corrections: x.txt's short row from the draft, put right (the truth: all 0); a/r.txt's wrong term.
    fixes = [d for d in draft if d['file'] == 'x.txt' and d['reason'] == 'ambiguous-placement']
    check(len(fixes) == 7, f'7 cells of the short row in the draft: {len(fixes)}')
    ov_path = os.path.join(tmp, 'corrections.csv')
    with open(ov_path, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f)
        w.writerow(['file', 'table', 'row', 'column', 'value', 'note', 'reason'])
        for d in fixes:
            w.writerow([d['file'], d['table'], d['row'], d['column'], '0', 'checked against the PDF, p. 3', d['reason']])
        w.writerow(['a/r.txt', TABLE, ROW, '自然人', '0', 'the PDF says 0', ''])

    r, _ = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '--overrides', ov_path, '--dry-run')
    plan = dict(l.split('\t')[:2][::-1] for l in r.stdout.splitlines() if '\t' in l)
    check(plan.get('a/r.txt') == 'would convert' and plan.get('x.txt') == 'would convert'
          and plan.get('s.txt') == 'skip', f'only the corrected inputs are stale: {r.stdout}')

    def corrected_everywhere(label):
        values = rows(os.path.join(out, 'values.csv'))
        for file, column, read in (('a/r.txt', '自然人', '7'), ('x.txt', '自然人', '')):
            c = cell(values, file, column)
            check(c is not None and c['value'] == '0' and c['placement'] == 'override',
                  f'{label}: combined values.csv {file} {column}: {c}')
            stem = os.path.join(out, os.path.splitext(file)[0])
            c = cell(rows(stem + '.values.csv'), os.path.normpath(file), column)
            check(c is not None and c['value'] == '0' and c['placement'] == 'override',
                  f'{label}: {file}.values.csv: {c}')
            root = ET.parse(stem + '.xml').getroot()
            rec = [x for x in root.iter('record') if x.get('table') == TABLE and x.get('row') == ROW
                   and x.get('column') == column][0]
            check(rec.get('placement') == 'override' and rec.get('value') == '0' and rec.get('note')
                  and rec.get('override', '').startswith(ov_path + ':') and rec.get('read') == read,
                  f'{label}: model of {file}: {rec.attrib}')
            import openpyxl
            ws = openpyxl.load_workbook(stem + '.xlsx')[TABLE]
            notes = [c for row in ws.iter_rows() for c in row if c.comment and 'Corrected by hand' in c.comment.text]
            check(any(c.value == 0 for c in notes), f'{label}: {file}.xlsx marks the corrected cell')
        root = ET.parse(os.path.join(out, 'a', 'r.xml')).getroot()
        check(root.find('verdict').get('status') == 'ok' and
              not [c for c in root.iter('check') if c.get('result') == 'fail'],
              f'{label}: the identities are checked on the corrected value')
        import openpyxl
        summary_ws = openpyxl.load_workbook(os.path.join(out, 'summary.xlsx'))['ogi-2019']
        by_file = {row[0].value: row for row in summary_ws.iter_rows() if row and row[0].value}
        check('a/r.txt' in by_file and by_file['a/r.txt'][3].value == 'ok',
              f'{label}: summary.xlsx gives a/r.txt verdict ok')
        text = review(out)
        # (a/r.txt may still be named by another report's item, e.g. two reports of one agency and year)
        check(not [l for l in text.splitlines() if l.startswith('  a/r.txt')] and 'ambiguous-placement' not in text,
              f'{label}: review no longer lists the corrected cells:\n{text}')

    # 3. The re-run with the corrections, then a third run.
    r, summary = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '--overrides', ov_path, '--jobs', '1')
    check(r.returncode == 0 and summary and summary['converted'] == 2, f'second run: {summary} {r.stderr}')
    corrected_everywhere('second run')
    r, summary = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '--overrides', ov_path, '--jobs', '1')
    check(r.returncode == 0 and summary and summary['converted'] == 0, f'third run converts nothing: {summary}')
    corrected_everywhere('third run')
    # Without the corrections the value read comes back (the correction is data, not a patch of the output).
    r, summary = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '--jobs', '1')
    c = cell(rows(os.path.join(out, 'values.csv')), 'a/r.txt', '自然人')
    check(summary and summary['converted'] == 2 and c and c['value'] == '7' and c['placement'] == 'direct',
          f'corrections removed: {summary} {c}')

    # The pipeline names the file itself (a path relative to the definition).
    own = os.path.join(tmp, 'own.xml')
    text = open(pipeline, encoding='utf-8').read()
    open(own, 'w', encoding='utf-8').write(text.replace('<limits', '<overrides file="corrections.csv"/>\n  <limits'))
    r, summary = run_docpipe(exe, 'run', own, '-i', inp, '-o', out, '--jobs', '1')
    c = cell(rows(os.path.join(out, 'values.csv')), 'a/r.txt', '自然人')
    check(r.returncode == 0 and c and c['value'] == '0' and c['placement'] == 'override',
          f'<overrides> in the pipeline: {r.returncode} {c} {r.stderr}')
    open(own, 'w', encoding='utf-8').write(text.replace('<limits', '<overrides file="missing.csv"/>\n  <limits'))
    r, _ = run_docpipe(exe, 'run', own, '-i', inp, '-o', out)
    check(r.returncode == 78 and 'missing.csv' in r.stderr, f'a missing overrides file: {r.returncode} {r.stderr}')

    # 4. convert applies the same file format; `file` is the name convert gives the report.
    conv = os.path.join(tmp, 'conv')
    one = os.path.join(tmp, 'one.csv')
    open(one, 'w', encoding='utf-8').write(f'file,table,row,column,value,note\nr.txt,{TABLE},{ROW},自然人,0,seen\n')
    r = subprocess.run([exe, 'convert', os.path.join(inp, 'a', 'r.txt'), '-o', conv, '-t', 'values',
                        '--overrides', one], capture_output=True, text=True)
    c = cell(rows(os.path.join(conv, 'r.values.csv')), 'r.txt', '自然人')
    check(r.returncode == 0 and ', ok' in r.stderr and c and c['placement'] == 'override' and c['value'] == '0',
          f'convert --overrides: {r.returncode} {r.stderr} {c}')

    # A row in a run's naming (a relative path) names no input of convert: warned, with its line.
    open(one, 'w', encoding='utf-8').write(f'file,table,row,column,value,note\na/r.txt,{TABLE},{ROW},自然人,0,\n')
    r = subprocess.run([exe, 'convert', os.path.join(inp, 'a', 'r.txt'), '-o', conv, '-t', 'values',
                        '--overrides', one], capture_output=True, text=True)
    check(r.returncode == 0 and one + ":2: no input here is named 'a/r.txt'" in r.stderr and ', review' in r.stderr,
          f'convert warns of a row naming no input: {r.stderr}')

    # A convert folder has no ledger: review reads its models.
    conv2 = os.path.join(tmp, 'conv2')
    subprocess.run([exe, 'convert', os.path.join(inp, 'a', 'r.txt'), '-o', conv2, '-t', 'xml'], capture_output=True)
    text = review(conv2)
    check('failed-identity' in text and 'r.txt | ' + TABLE in text, f'review of a convert folder:\n{text}')

    # 5. Bad rows are refused before any work, naming the file and line.
    bad_cases = [
        (f'file,table,row,column,value,note\nr.txt,{TABLE},{ROW},自然人x,0,\n', ':2: ', 'no column'),
        (f'file,table,row,column,value,note\nr.txt,{TABLE},{ROW},自然人,0,\nr.txt,没有的表,{ROW},自然人,0,\n',
         ':3: ', "no template has a table"),
        (f'file,table,row,value,note\nr.txt,{TABLE},{ROW},0,\n', ':1: ', "no column 'column'"),
        (f'file,table,row,column,value,note\nr.txt,{TABLE},{ROW},自然人,0,x\nr.txt,{TABLE},{ROW},自然人,1,y\n',
         ':3: ', 'same cell as line 2'),
        (f'file,table,row,column,value,note\nr.txt,"{TABLE},{ROW},自然人,0,\n', ':2: ', 'never closed'),
    ]
    for text, where, why in bad_cases:
        open(one, 'w', encoding='utf-8').write(text)
        for args in (['convert', seed, '-o', conv, '-t', 'values'], ['run', pipeline, '-i', inp, '-o', out]):
            r = subprocess.run([exe, *args, '--overrides', one], capture_output=True, text=True)
            check(r.returncode == 78 and one + where in r.stderr and why in r.stderr,
                  f'{args[0]} with a bad row ({why}): exit {r.returncode}: {r.stderr}')
    # A row naming no input of the run is warned about, naming its line.
    open(one, 'w', encoding='utf-8').write(f'file,table,row,column,value,note\nnone.txt,{TABLE},{ROW},自然人,0,\n')
    r, _ = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', out, '--overrides', one)
    check(r.returncode == 0 and one + ':2: no input of this run is named' in r.stderr,
          f'unknown input warned: {r.returncode} {r.stderr}')

if failures:
    print('\n'.join(failures))
    sys.exit(1)
print('review and overrides: ok')
