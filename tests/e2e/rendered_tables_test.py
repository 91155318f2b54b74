"""Space-aligned text made by the real tools from HTML tables, at widths the
corpus does not use: every corpus report's truth is laid out as HTML in the
official form (the template's rows and columns from formats/templates, group
labels as rowspan/colspan cells, blank cells empty), then dumped with
`w3m -dump -cols N` (plain and framed tables), `lynx -dump -width=N` and
`pandoc -t plain` (multiline and, without grid tables, simple tables) and
converted by docpipe. Every
truth cell must come back in the right cell with its exact text (strict
recall and precision 100%, scored by shared/eval/score.py).

    rendered_tables_test.py DOCPIPE SOURCE_DIR SHARED_DIR

Skipped (exit 77) without the shared corpus or when none of the tools is
installed (.ci/install-deps installs them); a missing tool is reported."""
import csv, glob, html, json, os, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import scoring

exe, source, shared = sys.argv[1:4]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)

# tool -> (command for a width, widths), from narrow to wide. Not lynx
# below ~100 columns: there it prints the 收到和处理 table with one space
# between cells, so a blank cell leaves no trace (see README).
RENDERERS = {
    'w3m': (lambda w: ['w3m', '-dump', '-cols', str(w), '-T', 'text/html', '-I', 'UTF-8', '-O', 'UTF-8'], [72, 100, 140]),
    # The same tables with border="1": w3m draws them with box-drawing frames.
    'w3m-framed': (lambda w: ['w3m', '-dump', '-cols', str(w), '-T', 'text/html', '-I', 'UTF-8', '-O', 'UTF-8'],
                   [100, 140]),
    'lynx': (lambda w: ['lynx', '-dump', f'-width={w}', '-nolist', '-stdin', '-assume_charset=utf-8',
                        '-display_charset=utf-8'], [100, 140, 200]),
    'pandoc': (lambda w: ['pandoc', '-f', 'html', '-t', 'plain', f'--columns={w}'], [100]),
    'pandoc-simple': (lambda w: ['pandoc', '-f', 'html', '-t', 'plain-grid_tables-multiline_tables',
                                 f'--columns={w}'], [140]),
}
available = {k: v for k, v in RENDERERS.items() if shutil.which(v[0](0)[0])}
for k in RENDERERS:
    if k not in available:
        print(f'{RENDERERS[k][0](0)[0]} not installed: {k} not rendered')
if not available:
    sys.exit(77)


def td(text, rowspan=1, colspan=1):
    span = (f' rowspan="{rowspan}"' if rowspan > 1 else '') + (f' colspan="{colspan}"' if colspan > 1 else '')
    return f'<td{span}>{html.escape(text or "")}</td>'


def is_column_node(n):
    return n.tag == 'column' or (n.tag == 'group' and any(is_column_node(c) for c in n))


def is_row_node(n):
    return n.tag == 'row' or (n.tag == 'group' and any(is_row_node(c) for c in n))


def leaf_paths(node, want, prefix=()):
    for ch in node:
        if ch.tag == want:
            yield '/'.join(prefix + (ch.get('label'),))
        elif ch.tag == 'group':
            yield from leaf_paths(ch, want, prefix + (ch.get('label'),))


def column_header(t):
    """The column tree of t as header rows (colspan over groups, rowspan down to the leaves)."""
    def depth(n):
        return max([1 + depth(g) for g in n if g.tag == 'group' and is_column_node(g)] + [1])

    def width(n):
        return 1 if n.tag == 'column' else sum(width(c) for c in n if is_column_node(c))

    d = depth(t)
    rows = [[] for _ in range(d)]

    def place(nodes, level):
        for n in nodes:
            if n.tag == 'column':
                rows[level].append(td(n.get('label'), rowspan=d - level))
            else:
                rows[level].append(td(n.get('label'), colspan=width(n)))
                place([c for c in n if is_column_node(c)], level + 1)

    place([n for n in t if is_column_node(n)], 0)
    return rows


def active_table(t, cells, name):
    """主动公开: per section a title row, a header row and its item rows."""
    width = max(len(s.findall('column')) for s in t.findall('section'))
    pad = lambda n: ''.join(td('') for _ in range(width - n))
    out = []
    for s in t.findall('section'):
        cols = [c.get('label') for c in s.findall('column')]
        out.append(td(s.get('label'), colspan=width + 1))
        out.append(td(t.findtext('header-label')) + ''.join(td(c) for c in cols) + pad(len(cols)))
        for r in s.findall('row'):
            key = s.get('label') + '/' + r.get('label')
            out.append(td(r.get('label')) + ''.join(td(cells.get((name, key, c))) for c in cols) + pad(len(cols)))
    return out


def grid_table(t, cells, name):
    """收到和处理 and 复议诉讼: column tree over the values, row groups as rowspan cells."""
    cols = list(leaf_paths(t, 'column'))
    header = column_header(t)
    labels = [e.text for e in t.findall('header-label')]
    if not any(is_row_node(n) and n.tag == 'group' for n in t):  # one unlabelled row
        return [''.join(r) for r in header] + [''.join(td(cells.get((name, '', c))) for c in cols)]
    out = [td(labels[0], rowspan=len(header) + 1, colspan=3) + td(labels[1], colspan=len(cols))]
    out += [''.join(r) for r in header]

    def count(n):
        return 1 if n.tag == 'row' else sum(count(c) for c in n if is_row_node(c))

    def emit(nodes, level, prefix, pending):
        for n in nodes:
            if n.tag == 'row':
                path = '/'.join(prefix + (n.get('label'),))
                out.append(pending + td(n.get('label'), colspan=3 - level) +
                           ''.join(td(cells.get((name, path, c))) for c in cols))
                pending = ''
            else:
                emit([c for c in n if is_row_node(c)], level + 1, prefix + (n.get('label'),),
                     pending + td(n.get('label'), rowspan=count(n)))
                pending = ''

    emit([n for n in t if is_row_node(n)], 0, (), '')
    return out


def report_html(truth, framed=False):
    tpl = ET.parse(os.path.join(source, 'formats/templates', truth['template'] + '.xml')).getroot()
    cells = {(c['table'], c['row'], c['column']): c['value'] for c in truth['cells']}
    omitted = set(truth.get('omitted_tables', []))
    headings = {'active': '二、主动公开政府信息情况', 'requests': '三、收到和处理政府信息公开申请情况',
                'appeals': '四、政府信息公开行政复议、行政诉讼情况'}
    body = [f'<p>{html.escape(truth["title"])}</p>',
            f'<p>本报告由{html.escape(truth["agency"])}根据《中华人民共和国政府信息公开条例》编制。</p>',
            '<p>一、总体情况</p>', '<p>本年度，本机关认真贯彻落实条例要求，政府信息公开工作有序开展。</p>']
    for t in tpl.findall('table'):
        body.append(f'<p>{headings[t.get("id")]}</p>')
        if t.get('name') in omitted:
            continue
        rows = (active_table if t.get('id') == 'active' else grid_table)(t, cells, t.get('name'))
        body.append(('<table border="1">' if framed else '<table>') + '\n'.join(f'<tr>{r}</tr>' for r in rows) + '</table>')
    body += ['<p>五、存在的主要问题及改进情况</p>', '<p>下一步，本机关将进一步加强政府信息公开工作。</p>']
    return '<html><head><meta charset="utf-8"></head><body>\n' + '\n'.join(body) + '\n</body></html>\n'


with tempfile.TemporaryDirectory() as tmp:
    jobs = []
    seen = set()  # the corpus's originals/ hold the same reports as its text renderings: lay each out once
    for path in sorted(glob.glob(os.path.join(corpus, '**/*.truth.json'), recursive=True)):
        truth = json.load(open(path, encoding='utf-8'))
        key = json.dumps([truth['template'], truth['title'], truth['cells']], sort_keys=True, ensure_ascii=False)
        if key in seen:
            continue
        seen.add(key)
        pages = {framed: report_html(truth, framed).encode() for framed in (False, True)}
        number = os.path.basename(path).split('_')[0]
        for tool, (command, widths) in available.items():
            for w in widths:
                jobs.append((f'{number}_{tool}-{w}', command(w), pages[tool.endswith('-framed')], truth))

    def render(job):
        stem, command, page, truth = job
        text = subprocess.run(command, input=page, capture_output=True, check=True).stdout
        with open(os.path.join(tmp, stem + '.txt'), 'wb') as f:
            f.write(text)
        with open(os.path.join(tmp, stem + '.truth.json'), 'w', encoding='utf-8') as f:
            json.dump(dict(truth, source=stem + '.txt', form='space-aligned'), f, ensure_ascii=False)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(render, jobs))
    out = os.path.join(tmp, 'out')
    texts = sorted(glob.glob(os.path.join(tmp, '*.txt')))
    subprocess.run([exe, 'convert', '-o', out, '-t', 'values', *texts], capture_output=True)
    all_csv = os.path.join(tmp, 'all.csv')
    scoring.combine_values(glob.glob(os.path.join(out, '*.values.csv')), all_csv)
    last = scoring.score(shared, sorted(glob.glob(os.path.join(tmp, '*.truth.json'))), all_csv,
                         os.path.join(tmp, 'report.json'))
    print(f'{len(jobs)} renderings ({", ".join(available)}): {last}')
    # The documents that lost or misplaced a cell, with the first few cells.
    failed = 0
    for stem in sorted({j[0] for j in jobs}):
        truth = json.load(open(os.path.join(tmp, stem + '.truth.json'), encoding='utf-8'))
        got = {}
        p = os.path.join(out, stem + '.values.csv')
        if os.path.exists(p):
            with open(p, encoding='utf-8-sig', newline='') as f:
                got = {(r['table'], r['row'], r['column']): r['value'] or None for r in csv.DictReader(f)}
        want = {(c['table'], c['row'], c['column']): c['value'] for c in truth['cells']}
        bad = [k for k in want if got.get(k, 'no line') != want[k]] + [k for k in got if k not in want]
        if bad:
            failed += 1
            print(f'  {stem}: {len(bad)} cells wrong, e.g. ' +
                  '; '.join(f'{k[1]} | {k[2]}: {want.get(k, "no cell")!r} -> {got.get(k, "no line")!r}' for k in bad[:3]))
    sys.exit(0 if scoring.perfect(last) and failed == 0 else 1)
