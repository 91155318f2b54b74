"""Builds, at test time, a folder of two years of the same agencies from the
corpus's tab-separated reports (a report's cells are the TAB-separated fields
after its label): each report as it is (year Y), and a report for Y+1 of the
same agency whose year is changed and whose numbers are carried over as the
templates' cross-year identities say (二、上年结转 = last year's 四、结转下年度继续办理,
keeping the table's balance by moving 四 by the same amount; 现行有效件数 or
对外公开总数量 carried forward). `breaks` adds deliberate faults. Shared by
crossyear_test.py and shard_merge_test.py."""
import json, os, re

CARRIED = '二、上年结转政府信息公开申请数量'
CARRY_OVER = '四、结转下年度继续办理'


def cells(line):
    """(label, [indexes of the value fields]) of a TAB-separated row."""
    f = line.split('\t')
    label = next((x for x in f if x.strip()), '')
    start = f.index(label) + 1 if label else 0
    return label.strip(), [i for i in range(start, len(f)) if f[i].strip() != '']


def find_row(lines, label, after=0):
    for n in range(after, len(lines)):
        if cells(lines[n])[0] == label:
            return n
    raise KeyError(label)


def get(lines, n):
    f = lines[n].split('\t')
    return [f[i].strip() for i in cells(lines[n])[1]]


def put(lines, n, values):
    f = lines[n].split('\t')
    idx = cells(lines[n])[1]
    assert len(idx) == len(values), (lines[n], values)
    for i, v in zip(idx, values):
        f[i] = v
    lines[n] = '\t'.join(f)


def read_text(path):
    """A corpus text file (UTF-8, or UTF-16 with a BOM) with LF line ends."""
    b = open(path, 'rb').read()
    text = b.decode('utf-16') if b[:2] in (b'\xff\xfe', b'\xfe\xff') else b.decode('utf-8-sig')
    return text.replace('\r\n', '\n')


def complete(lines, template):
    """Every number of the rows carried over is printed (a blank in a TAB row
    does not say which column it is in, so such reports are left out)."""
    try:
        rows = ((CARRIED, 7), (CARRY_OVER, 7), ('规章', 3),
                ('行政规范性文件' if template == 'ogi-2021' else '规范性文件', 3))
        return all(len(get(lines, find_row(lines, label))) == n and
                   all(re.fullmatch(r'-?[0-9]+', v) for v in get(lines, find_row(lines, label)))
                   for label, n in rows)
    except KeyError:
        return False


def sources(shared):
    """The tab-separated corpus reports, one per agency, whose carried rows are complete: (path, truth)."""
    out, seen = [], set()
    for d in ('ogi-2021', 'synthetic', 'seeds'):
        folder = os.path.join(shared, 'corpus', d)
        for name in sorted(os.listdir(folder)):
            if not name.endswith('.truth.json'):
                continue
            t = json.load(open(os.path.join(folder, name), encoding='utf-8'))
            path = os.path.join(folder, t['source'])
            if t['form'] != 'tab-separated' or t['agency'] in seen:
                continue
            if not complete(read_text(path).split('\n'), t['template']):
                continue
            seen.add(t['agency'])
            out.append((path, t))
    return out


def next_year(text, truth, years=1, title=None):
    """The report of `years` later: lines, with the title's year changed (or
    the title replaced by `title`, a list of lines)."""
    y = truth['year']
    lines = text.split('\n')
    t = next(n for n, l in enumerate(lines) if '年度报告' in l)
    if title is None:
        lines[t] = lines[t].replace(str(y), str(y + years))
    else:
        tabs = lines[t][len(lines[t].rstrip('\t')):]
        lines[t:t + 1] = [x + tabs for x in title]
    return lines


def carry(prev, lines, template):
    """Carries the previous year's numbers into `lines` (the next year's)."""
    nums = lambda v: [int(x) for x in v]
    c, o = find_row(lines, CARRIED), find_row(lines, CARRY_OVER)
    old_c, old_o = nums(get(lines, c)), nums(get(lines, o))
    carried = nums(get(prev, find_row(prev, CARRY_OVER)))
    put(lines, c, [str(v) for v in carried])
    put(lines, o, [str(a + b - d) for a, b, d in zip(old_o, carried, old_c)])  # keeps 一 + 二 = 七 + 四
    rows = ('规章', '行政规范性文件') if template == 'ogi-2021' else ('规章', '规范性文件')
    for label in rows:
        p, n = find_row(prev, label), find_row(lines, label)
        pv, nv = nums(get(prev, p)), nums(get(lines, n))
        if template == 'ogi-2021':  # 本年制发 本年废止 现行有效
            nv[2] = pv[2] + nv[0] - nv[1]
        else:  # 本年新制作 本年新公开 对外公开总数量
            nv[2] = pv[2] + nv[1]
        put(lines, n, [str(v) for v in nv])


def add(lines, label, column, delta):
    n = find_row(lines, label)
    v = get(lines, n)
    v[column] = str(int(v[column]) + delta)
    put(lines, n, v)


def build(shared, folder):
    """Writes folder/in/YEAR/NAME.txt and folder/aliases.csv; returns the
    expected findings, a set of (kind, agency key, identity, instance,
    previous year, year), and the aliases file."""
    srcs = sources(shared)
    templates = [t['template'] for _, t in srcs]
    assert len(srcs) >= 5 and templates[0] == 'ogi-2021' and templates[1:5].count('ogi-2019') == 4, srcs
    expected = set()
    aliases = os.path.join(folder, 'aliases.csv')
    os.makedirs(os.path.join(folder, 'in'), exist_ok=True)
    alias_lines = ['alias,agency']
    for k, (path, truth) in enumerate(srcs[:5]):
        text = read_text(path)
        prev = text.split('\n')
        y, agency, tmpl = truth['year'], truth['agency'], truth['template']
        Y0, Y1 = str(y), str(y + 1)
        title, years = None, 1
        if k == 0:  # full-width brackets, the year after the name, 年度
            title = [f'{agency}（{y + 1}年度）政府信息公开工作年度报告']
        if k == 1:  # the title over two lines, the year first
            title = [f'{y + 1}年{agency}', '政府信息公开工作年度报告', '']
        if k == 2:  # a year missing: a gap, not a failure
            years = 2
            expected.add(('gap', agency, '', '', Y0, str(y + 2)))
        if k == 3:  # the city before the name: one agency through the aliases file
            title = [f'长春市{agency}{y + 1}年政府信息公开工作年度报告']
            alias_lines.append(f'长春市{agency},{agency}')
        lines = next_year(text, truth, years, title)
        carry(prev, lines, tmpl)
        if k == 0:  # a carried number that is not last year's; 现行有效件数 that does not follow
            add(lines, CARRIED, 0, 1)
            expected.add(('fail', agency, 'carried_over', '自然人', Y0, Y1))
            add(lines, '行政规范性文件', 2, 2)
            expected.add(('fail', agency, 'in_force', '行政规范性文件', Y0, Y1))
        if k == 1:  # 对外公开总数量 that does not follow
            add(lines, '规章', 2, -1)
            expected.add(('fail', agency, 'total_public', '规章', Y0, Y1))
        if k == 3:  # a break seen only when the aliases file joins the names; a blank operand
            add(lines, CARRIED, 0, 1)
            expected.add(('fail', agency, 'carried_over', '自然人', Y0, Y1))
            n = find_row(lines, CARRIED)
            f = lines[n].split('\t')
            f[cells(lines[n])[1][-1]] = ''
            lines[n] = '\t'.join(f)
            expected.add(('not-checkable', agency, 'carried_over', '总计', Y0, Y1))
        for year, body in ((y, text), (y + years, '\n'.join(lines))):
            d = os.path.join(folder, 'in', str(year))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, os.path.basename(path)), 'w', encoding='utf-8') as f:
                f.write(body)
    with open(aliases, 'w', encoding='utf-8') as f:
        f.write('\n'.join(alias_lines) + '\n')
    return expected, aliases
