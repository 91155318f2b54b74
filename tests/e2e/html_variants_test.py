#!/usr/bin/python3
"""The corpus HTML pages made harder the ways real pages are, each scored
against the page's truth (strict recall and precision 100%): re-encoded as
GBK under <meta charset=gb2312>; wrapped in nested layout tables with a
navigation table, a breadcrumb and a footer around the article; with
irregular markup (no </td>, </tr>, </p>, tag names in capitals, CRLF).
Skipped (exit 77) when shared/ is not beside the checkout."""
import glob, json, os, re, subprocess, sys, tempfile

import scoring

exe, shared = sys.argv[1], sys.argv[2]
originals = os.path.join(shared, 'corpus', 'originals')
if not os.path.isdir(originals):
    print('no shared corpus: skipped')
    sys.exit(77)


def page_text(path):
    raw = open(path, 'rb').read()
    m = re.search(rb'charset\s*=\s*["\']?([A-Za-z0-9_-]+)', raw[:4096])
    cs = m.group(1).decode().lower() if m else 'utf-8'
    return raw.decode('gb18030' if cs in ('gbk', 'gb2312', 'gb18030') else 'utf-8')


def set_charset(html, cs):
    html = re.sub(r'<meta[^>]*charset[^>]*>', '', html, flags=re.I)
    return re.sub(r'(<head[^>]*>)', r'\1<meta http-equiv="Content-Type" content="text/html; charset=' + cs + '">',
                  html, count=1, flags=re.I)


def gbk(html):
    return set_charset(html, 'gb2312').encode('gbk')


def layout(html):
    nav = ('<table width="200"><tr><td><a href="/">首页</a></td></tr><tr><td><a href="/zwgk/">政务公开</a></td></tr>'
           '<tr><td><a href="/ndbg/">政府信息公开年报</a></td></tr></table>')
    html = re.sub(r'(<body[^>]*>)', r'\1<table width="1000" border="0"><tr><td colspan="2">当前位置：'
                  r'<a href="/">首页</a> &gt; <a href="/ndbg/">年报</a></td></tr><tr><td valign="top">' + nav +
                  r'</td><td valign="top"><table width="100%"><tr><td>', html, count=1, flags=re.I)
    html = re.sub(r'(</body>)', r'</td></tr></table></td></tr><tr><td colspan="2"><p>主办单位：某某市人民政府办公室 '
                  r'联系电话：0431-79548827</p><p>吉ICP备08822300号-1</p></td></tr></table>\1', html, count=1,
                  flags=re.I)
    return set_charset(html, 'utf-8').encode('utf-8')


def irregular(html):
    html = re.sub(r'</(td|tr|p)\s*>', '', html, flags=re.I)
    html = re.sub(r'<(/?)(table|tr|td|p|br|body|html|head)\b', lambda m: '<' + m.group(1) + m.group(2).upper(), html,
                  flags=re.I)
    return set_charset(html, 'utf-8').replace('\r\n', '\n').replace('\n', '\r\n').encode('utf-8')


variants = {'gbk': gbk, 'layout': layout, 'irregular': irregular}
truths = [t for t in sorted(glob.glob(os.path.join(originals, '*.truth.json')))
          if json.load(open(t, encoding='utf-8'))['form'] == 'html']
failed = False
with tempfile.TemporaryDirectory() as tmp:
    for name, make in variants.items():
        d = os.path.join(tmp, name)
        os.makedirs(d)
        for t in truths:
            src = os.path.join(originals, json.load(open(t, encoding='utf-8'))['source'])
            p = os.path.join(d, os.path.basename(src))
            open(p, 'wb').write(make(page_text(src)))
            r = subprocess.run([exe, 'convert', p, '-o', os.path.join(d, 'out'), '-t', 'values'],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f'{name}: {os.path.basename(p)}: exit {r.returncode}: {r.stderr.strip()}')
        all_csv = os.path.join(d, 'all.csv')
        scoring.combine_values(glob.glob(os.path.join(d, 'out', '*.values.csv')), all_csv)
        last = scoring.score(shared, truths, all_csv, os.path.join(d, 'report.json'))
        print(f'{name}, {len(truths)} pages: {last}')
        failed |= not scoring.perfect(last)
sys.exit(1 if failed else 0)
