#!/usr/bin/python3
"""Issue 14, D2 and D6: file names are bytes, text cells are not formulas.

A run over a folder with a GBK-named input (as an archive unzipped on Chinese
Windows leaves it), a GBK-named folder, a binary input with a GBK name (it
fails: its error names it) and an input named like a formula. Every output
must parse: the models and the XML inside every XLSX with xmllint, the
workbooks with openpyxl, every CSV as strict UTF-8, every JSON line with
json.loads; the names must come back through the documented escape; the
ledger must hold the raw bytes; and every CSV cell that starts with = + - @
and is not a number must carry the apostrophe guard."""
import csv, glob, io, json, os, re, shutil, sqlite3, subprocess, sys, tempfile, zipfile

import openpyxl
import runs

exe, src = sys.argv[1], sys.argv[2]
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
failures = []


check = runs.checker(failures)


def unescape(text):
    """The README's escape, reversed: \\\\ is a backslash, \\xHH one byte."""
    out, i = bytearray(), 0
    while i < len(text):
        if text[i] != '\\':
            out += text[i].encode()
            i += 1
        elif text[i + 1] == '\\':
            out += b'\\'
            i += 2
        elif text[i + 1] == 'x' and re.fullmatch(r'[0-9A-Fa-f]{2}', text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError(f'bad escape in {text!r}')
    return bytes(out)


def formula_like(cell):
    return cell[:1] in ('=', '+', '-', '@', '\t', '\r') and not re.fullmatch(
        r'[+-]?(\d+|\d{1,3}(,\d{3})+)?(\.\d*)?([eE][+-]?\d+)?%?', cell)


def check_csv(path):
    raw = open(path, 'rb').read()
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as e:
        check(False, f'{path!r}: not UTF-8: {e}')
        return []
    rows = list(csv.reader(io.StringIO(text, newline='')))
    bad = [cell for row in rows for cell in row if formula_like(cell)]
    check(not bad, f'{path!r}: {len(bad)} unguarded formula-like cells, the first {bad[:1]!r}')
    return rows


def check_xml_text(data, what):
    r = subprocess.run(['xmllint', '--noout', '-'], input=data, capture_output=True)
    check(r.returncode == 0, f'{what}: xmllint: {r.stderr.decode(errors="replace")[:300]}')


def check_xlsx(path):
    path = os.fsdecode(path)
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith('.xml') or name.endswith('.rels'):
                    check_xml_text(z.read(name), f'{path!r}:{name}')
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for cell in row:
                    if isinstance(cell, str):
                        cell.encode('utf-8')  # no lone surrogates from bad bytes
        return wb
    except Exception as e:  # a malformed workbook: any error of zipfile, openpyxl or its XML parser
        check(False, f'{path!r}: not a readable workbook: {type(e).__name__}: {e}')
        return None


def check_outputs(folder):
    counts = {'xml': 0, 'xlsx': 0, 'csv': 0}
    for root, dirs, files in os.walk(os.fsencode(folder)):
        if b'.docpipe' in root.split(b'/'):
            continue
        for f in files:
            p = os.path.join(root, f)
            if f.endswith(b'.xml'):
                check_xml_text(open(p, 'rb').read(), p)
                counts['xml'] += 1
            elif f.endswith(b'.xlsx'):
                check_xlsx(p)
                counts['xlsx'] += 1
            elif f.endswith(b'.csv'):
                check_csv(p)
                counts['csv'] += 1
    return counts


gbk_name = '政府信息公开年报'.encode('gbk') + b'.txt'
gbk_dir = '南关区'.encode('gbk')
bad_name = '损坏'.encode('gbk') + b'.txt'
formula_name = '=HYPERLINK("x")+1.txt'
with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, 'in').encode()
    os.makedirs(os.path.join(inp, gbk_dir))
    shutil.copy(seeds[0], os.path.join(inp, gbk_name))
    shutil.copy(seeds[1], os.path.join(inp, gbk_dir, gbk_name))
    shutil.copy(seeds[2], os.path.join(inp, formula_name.encode()))
    open(os.path.join(inp, bad_name), 'wb').write(b'\x00\x01\x02binary' * 10)
    pipeline = os.path.join(tmp, 'p.xml')
    open(pipeline, 'w').write('''<?xml version="1.0" encoding="UTF-8"?>
<pipeline name="text-safety" version="1">
  <inputs folder="." plugin="auto"><include glob="**/*.txt"/></inputs>
  <output plugin="xlsx" path="{relpath}/{stem}"><option name="sheets" value="all"/></output>
  <output plugin="xml" path="{relpath}/{stem}"/>
  <output plugin="values" path="{relpath}/{stem}"/>
  <output plugin="csv" path="{relpath}/{stem}"/>
  <combined values="values.csv" summary="summary.xlsx"/>
</pipeline>
''')
    out = os.path.join(tmp, 'out')
    r = subprocess.run([exe, 'run', pipeline, '--input', inp, '--output', out, '-j', '2', '--no-limits'],
                       capture_output=True)
    check(r.returncode == 1, f'run: exit {r.returncode} (want 1: the binary input fails): {r.stderr[-500:]!r}')
    want = {gbk_name, gbk_dir + b'/' + gbk_name, formula_name.encode(), bad_name}

    # JSON lines on stderr (not a terminal) and the summary on stdout.
    seen = set()
    for line in r.stderr.splitlines():
        if line.startswith(b'{'):
            try:
                j = json.loads(line.decode('utf-8'))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                check(False, f'progress line is not JSON ({e}): {line!r}')
                continue
            seen.add(unescape(j['file']))
            if unescape(j['file']) == bad_name:
                check(j['status'] == 'failed' and '\\x' in j.get('error', ''), f'failed input line: {j}')
    check(seen == want, f'progress names {seen} != {want}')
    summary = json.loads(r.stdout.decode('utf-8').strip().splitlines()[-1])
    check(summary['inputs'] == 4 and summary['converted'] == 3, f'summary {summary}')

    # Every output parses; the per-report ones are where the tree says.
    counts = check_outputs(out)
    check(counts['xml'] == 3 and counts['xlsx'] == 4 and counts['csv'] >= 7, f'outputs found: {counts}')
    model = open(os.path.join(out.encode(), gbk_dir, gbk_name[:-4] + b'.xml'), 'rb').read()
    name = re.search(rb'<source [^>]*name="([^"]*)"', model).group(1).decode('utf-8', 'replace')
    check(unescape(name) == gbk_dir + b'/' + gbk_name, f'model source name {name!r}')

    # values.csv: the file column is the escaped relpath, guarded when formula-like.
    rows = check_csv(os.path.join(out, 'values.csv'))
    files = {row[0] for row in rows[1:]}
    check({unescape(f.lstrip("'")) for f in files} == want - {bad_name}, f'values.csv files {files}')
    check("'" + formula_name in files, f'values.csv: the formula-like name is not guarded: {files}')
    # agency, year and agency key end every record, the quoted ones (the formula-like name) too
    check(rows[0][-3:] == ['agency', 'year', 'agency_key'] and all(len(row) == len(rows[0]) for row in rows),
          f'values.csv: records of {sorted({len(row) for row in rows})} fields, header {rows[0][-3:]}')

    # summary.xlsx: names escaped, the failure row names the binary input.
    wb = check_xlsx(os.path.join(out, 'summary.xlsx'))
    names = set()
    for ws in wb.worksheets if wb else []:
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row and row[0] and row[0] != 'file':  # a template sheet's header has several rows
                names.add(unescape(row[0]))
    check(names == want, f'summary.xlsx names {names}')

    # The ledger keeps the raw bytes of every name.
    db = sqlite3.connect(os.path.join(out, '.docpipe', 'ledger.sqlite'))
    db.text_factory = bytes
    check({row[0] for row in db.execute('SELECT relpath FROM inputs')} == want, 'ledger relpaths are not the raw bytes')
    db.close()

    # A re-run finds every name in the ledger: the three converted inputs are
    # skipped, only the failed one is tried again.
    r2 = subprocess.run([exe, 'run', pipeline, '--input', inp, '--output', out, '-j', '1', '--no-limits'],
                        capture_output=True)
    s2 = json.loads(r2.stdout.decode('utf-8').strip().splitlines()[-1])
    check(s2['skipped'] == 3 and s2['converted'] == 0 and s2['failed'] == 1, f're-run summary {s2}')

    # status: text and --csv; the CSV is UTF-8, guarded, and names round-trip.
    st = subprocess.run([exe, 'status', out, '--csv', os.path.join(tmp, 'ledger.csv')], capture_output=True)
    # One input (the binary file) failed: status says so with exit 1.
    check(st.returncode == 1, f'status: exit {st.returncode}: {st.stderr!r}')
    try:
        st.stdout.decode('utf-8')
    except UnicodeDecodeError as e:
        check(False, f'status output is not UTF-8: {e}')
    rows = check_csv(os.path.join(tmp, 'ledger.csv'))
    check({unescape(row[0].lstrip("'")) for row in rows[1:]} == want, f'status --csv relpaths {rows}')
    check(any(row[0] == "'" + formula_name for row in rows), 'status --csv: the formula-like name is not guarded')

    # convert: the same for one GBK-named file given on the command line.
    out2 = os.path.join(tmp, 'out2')
    c = subprocess.run([exe, 'convert', os.path.join(inp, gbk_name), '-o', out2, '-t', 'xlsx,csv,xml,values'],
                       capture_output=True)
    check(c.returncode == 0, f'convert: exit {c.returncode}: {c.stderr!r}')
    try:
        check('\\x' in c.stderr.decode('utf-8'), f'convert: the name is not escaped on stderr: {c.stderr!r}')
    except UnicodeDecodeError:
        check(False, f'convert: stderr is not UTF-8: {c.stderr!r}')
    bad = subprocess.run([exe, 'convert', os.path.join(inp, bad_name), '-o', out2], capture_output=True)
    check(bad.returncode == 65 and b'\\x' in bad.stderr,
          f'convert of a binary GBK-named input: exit {bad.returncode}: {bad.stderr!r}')
    try:
        bad.stderr.decode('utf-8')
    except UnicodeDecodeError:
        check(False, f'convert: the error is not UTF-8: {bad.stderr!r}')
    counts = check_outputs(out2)
    check(counts['xml'] == 1 and counts['xlsx'] == 1 and counts['csv'] >= 2, f'convert outputs: {counts}')
    rows = check_csv(os.path.join(out2.encode(), gbk_name[:-4] + b'.values.csv'))
    check(len(rows) > 1 and unescape(rows[1][0]) == gbk_name, f'convert: values file column {rows[1:2]}')

if failures:
    print('\n'.join(failures[:40]))
    sys.exit(1)
print('ok')
