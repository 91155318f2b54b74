#!/usr/bin/python3
"""Files are routed by their kind, told from their bytes (not their names):
a kind that no input plugin reads gets one line naming the kind and what to
do (exit 65); markup never reaches a text reader; `inspect` shows the kind."""
import glob, io, os, subprocess, sys, tempfile, zipfile

exe, seeds = sys.argv[1], sys.argv[2]
seed = sorted(glob.glob(os.path.join(seeds, '*.txt')))[0]
failures = []


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True)


def expect(name, r, code, words, stream='stderr'):
    text = getattr(r, stream)
    if r.returncode != code:
        failures.append(f'{name}: exit {r.returncode}, want {code}: {r.stderr.strip()}')
    for w in words:
        if w not in text:
            failures.append(f'{name}: {stream} lacks {w!r}: {text.strip()}')
    if code == 65 and len(r.stderr.strip().splitlines()) != 1:
        failures.append(f'{name}: the error is not one line: {r.stderr!r}')


def ole2(*streams, extra=b''):
    """The start of an OLE2 compound file: header, then a directory sector of
    128-byte entries named in UTF-16LE."""
    data = bytearray(b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'.ljust(512, b'\0'))
    for name in ('Root Entry',) + streams:
        data += (name.encode('utf-16-le') + b'\0\0').ljust(128, b'\0')
    return bytes(data) + extra


def zipped(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


PAGE = '''<!DOCTYPE html>
<html><head><meta http-equiv="content-type" content="text/html; charset=gbk"/>
<meta name="generator" content="LibreOffice 7.4.7.2 (Linux)"/></head>
<body><p align="center">2020年某某局政府信息公开工作年度报告</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td>
<td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>
<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table></body></html>
'''

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'out')

    def make(name, data):
        p = os.path.join(tmp, name)
        open(p, 'wb').write(data)
        return p

    # Kinds that no plugin of this build reads: the kind and what to do.
    doc = make('report.doc', ole2('WordDocument', '1Table', '\x05SummaryInformation'))
    expect('.doc', run('convert', doc, '-o', out), 65,
           ['report.doc', 'legacy Word .doc', 'soffice --headless --convert-to docx'])
    # The name does not matter: the same bytes called .txt.
    expect('.doc named .txt', run('convert', make('report.txt', open(doc, 'rb').read()), '-o', out), 65,
           ['report.txt', 'legacy Word .doc', 'soffice --headless --convert-to docx'])
    expect('.wps', run('convert', make('r.wps', ole2('WordDocument', extra=b'KSOProductBuildVer')), '-o', out), 65,
           ['r.wps', 'WPS', 'soffice --headless --convert-to docx'])
    expect('.xls', run('convert', make('t.xls', ole2('Workbook')), '-o', out), 65,
           ['t.xls', 'legacy Excel .xls', 'soffice --headless --convert-to xlsx'])
    expect('rtf', run('convert', make('r.rtf', b'{\\rtf1\\ansi\\ansicpg936 \\par}'), '-o', out), 65,
           ['r.rtf', 'RTF document', 'soffice'])
    png = b'\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0'
    expect('png', run('convert', make('scan.png', png), '-o', out), 65, ['scan.png', 'PNG image', 'OCR it first'])
    expect('jpeg', run('convert', make('scan.jpg', b'\xff\xd8\xff\xe0\0\x10JFIF\0' + bytes(64)), '-o', out), 65,
           ['scan.jpg', 'JPEG image', 'OCR it first'])
    expect('zip', run('convert', make('reports.zip', zipped({'a.txt': '一、总体情况'})), '-o', out), 65,
           ['reports.zip', 'ZIP archive', 'unpack it'])
    # An .xlsx without sheets: named by its kind (or by the reader of .xlsx files, when built).
    xlsx = make('t.xlsx', zipped({'[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>'}))
    expect('xlsx', run('convert', xlsx, '-o', out), 65, ['t.xlsx'])
    # A PDF: the pdf plugin (when built) reports what is wrong with this
    # one itself; without it the kind is named.
    expect('pdf', run('convert', make('broken.pdf', b'%PDF-1.4\n%%EOF\n'), '-o', out), 65, ['broken.pdf', 'PDF'])
    # Unknown binary data: the decoder's reason, as before.
    expect('binary', run('convert', make('blob.txt', b'\x7fELF\x02\x01\x01' + bytes(64)), '-o', out), 65,
           ['blob.txt', 'binary data'])

    # A page goes to the html reader (never to a text reader, whatever it is called).
    page = make('page.txt', PAGE.encode('gbk'))
    r = run('inspect', page)
    expect('html inspect', r, 0, ['kind: html (HTML page)', 'input plugin: html'], 'stdout')
    expect('html to a text reader', run('convert', page, '-o', out, '-f', 'word-export'), 65,
           ['page.txt', 'HTML page', "text reader 'word-export' does not read it"])
    r = run('inspect', page, '--model')
    if '2020年某某局政府信息公开工作年度报告' not in r.stdout or 'rowspan="2"' not in r.stdout:
        failures.append(f'html model: {r.stdout[:2000]}')
    # Text still goes to the text readers.
    r = run('inspect', seed)
    expect('text inspect', r, 0, ['kind: text', 'input plugin: word-export'], 'stdout')

    # The shipped pipeline takes pages and attachments, whatever the case of
    # their extensions, and leaves other files alone.
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    inp = os.path.join(tmp, 'bulk')
    os.makedirs(os.path.join(inp, 'sub'))
    names = ['sub/A.HTML', 'sub/b.Htm', 'sub/c.DOCX', 'sub/d.pdf', 'e.TXT', 'f.html', 'h.Xlsx']
    for n in names + ['sub/notes.md', 'g.doc']:
        open(os.path.join(inp, n), 'wb').write(PAGE.encode('gbk'))
    r = run('run', os.path.join(src, 'pipelines', 'annual-reports.xml'), '--input', inp, '--output',
            os.path.join(tmp, 'bulk-out'), '--dry-run')
    listed = sorted(l.split('\t')[1] for l in r.stdout.splitlines() if l.startswith('would convert\t'))
    if listed != sorted(names):
        failures.append(f'pipeline globs: would convert {listed}, want {sorted(names)}: {r.stderr}')

for f in failures:
    print('FAIL ' + f)
print(f'{len(failures)} failures')
sys.exit(1 if failures else 0)
