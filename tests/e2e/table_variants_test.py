#!/usr/bin/python3
"""Per-table layouts (issue 15): each table of a report is mapped onto the
layout its header and rows show, the report's template is the format of its
table 1, and values are never filed under columns of another layout.

Inputs: tests/e2e/fixtures/variants (text made by pdftotext and pandoc, see
its README) and header swaps made from them here; truths from
../shared/corpus (skipped, exit 77, without it)."""
import csv, glob, json, os, re, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
import runs

exe, src, shared = sys.argv[1], sys.argv[2], sys.argv[3]
corpus = os.path.join(shared, 'corpus')
if not os.path.isdir(corpus):
    print('no shared corpus: skipped')
    sys.exit(77)
fixtures = os.path.join(src, 'tests/e2e/fixtures/variants')
failures = []


check = runs.checker(failures)


def truth_of(stem):
    return json.load(open(glob.glob(os.path.join(corpus, '*', stem + '.truth.json'))[0], encoding='utf-8'))


def convert(path, out):
    """The model and the values of one input."""
    r = subprocess.run([exe, 'convert', path, '-o', out, '-t', 'xml,values'], capture_output=True, text=True)
    stem = os.path.splitext(os.path.basename(path))[0]
    model = ET.parse(os.path.join(out, stem + '.xml')).getroot()
    with open(os.path.join(out, stem + '.values.csv'), encoding='utf-8-sig', newline='') as f:
        values = {(v['table'], v['row'], v['column']): v for v in csv.DictReader(f)}
    return model, values


def layouts(model):
    return {t.get('id'): t.get('variant') for t in model.find('template')}


def cells_right(values, truth, table):
    wrong = []
    for c in truth['cells']:
        if c['table'] != table:
            continue
        got = values.get((c['table'], c['row'], c['column']))
        if got is None or got['value'] != (c['value'] or ''):
            wrong.append((c['row'], c['column'], c['value'], None if got is None else got['value']))
    return wrong


def no_foreign_columns(model, text, name):
    """Every value of table 1 (whose columns differ between the layouts) is
    filed under a column whose label the document prints."""
    flat = re.sub(r'\s', '', text)
    for r in model.iter('record'):
        if r.get('table') != '主动公开政府信息情况':
            continue
        leaf = re.sub(r'（单位：万元）', '', r.get('column').split('/')[-1])
        if r.get('value') and leaf not in flat:
            failures.append(f'{name}: {r.get("value")} filed under {r.get("column")}, a column the document does not name')


with tempfile.TemporaryDirectory() as out:
    # The hybrid real reports (pdftotext): table 1 in the 2021 layout, table 2
    # with the 2019 result rows, every cell of the three tables right.
    for stem in ['401_4a5f8323743e34f3', '402_0a3f8848818f483d']:
        truth = truth_of(stem)
        model, values = convert(os.path.join(fixtures, stem + '.txt'), os.path.join(out, stem))
        check(model.find('template').get('id') == truth['template'] == 'ogi-2021', f'{stem}: template')
        check(layouts(model).get('active') == 'ogi-2021', f'{stem}: table 1 layout {layouts(model)}')
        check(layouts(model).get('requests') == 'ogi-2019', f'{stem}: table 2 layout {layouts(model)}')
        for table in ['主动公开政府信息情况', '收到和处理政府信息公开申请情况', '政府信息公开行政复议、行政诉讼情况']:
            wrong = cells_right(values, truth, table)
            check(not wrong, f'{stem}: {table}: {wrong[:4]}')
        codes = [d.get('code') for d in model.iter('diagnostic')]
        check('label-fuzzy' in codes, f'{stem}: the typo 2.其他法律行政止公开 is not reported as label-fuzzy')
        no_foreign_columns(model, open(os.path.join(fixtures, stem + '.txt'), encoding='utf-8').read(), stem)

    # 2021 reports through pandoc -t plain: ogi-2021, table 1 right.
    for stem in ['338_749c5e4a89e0a649', '343_648ecf46a8ef38c1']:
        truth = truth_of(stem)
        model, values = convert(os.path.join(fixtures, stem + '.txt'), os.path.join(out, stem))
        check(model.find('template').get('id') == 'ogi-2021', f'{stem}: template {model.find("template").get("id")}')
        check(layouts(model).get('active') == 'ogi-2021', f'{stem}: table 1 layout {layouts(model)}')
        wrong = cells_right(values, truth, '主动公开政府信息情况')
        check(not wrong, f'{stem}: table 1: {wrong[:4]}')

    # A header of one layout is never read as another: the 2021 table 1
    # given the 2019 header in one section only. Whatever template wins,
    # no value lands under a column the document does not print, and the
    # report is reviewed.
    base = open(os.path.join(fixtures, '343_648ecf46a8ef38c1.txt'), encoding='utf-8').read()
    swaps = {
        'header-2019-section-1': [('本年制发件数', '本年新制作数量'), ('本年废止件数', '本年新公开数量'),
                                  ('现行有效件数', '对外公开总数量')],
        'header-2019-decisions': [('本年处理决定数量', '处理决定数量')],
        'header-2019-fees': [('本年收费金额（单位：万元）', '上一年项目数量')],
    }
    for name, pairs in swaps.items():
        text = base
        for a, b in pairs:
            text = text.replace(a, b)
        path = os.path.join(out, name + '.txt')
        open(path, 'w', encoding='utf-8').write(text)
        model, values = convert(path, os.path.join(out, name))
        check(model.find('verdict').get('status') == 'review', f'{name}: verdict {model.find("verdict").get("status")}')
        no_foreign_columns(model, text, name)
        codes = [d.get('code') for d in model.iter('diagnostic')]
        check('header-variant' in codes or model.find('template').get('id') == 'ogi-2019',
              f'{name}: no header-variant finding ({codes})')

for f in failures:
    print('FAIL ' + f)
print(f'{len(failures)} failures')
sys.exit(1 if failures else 0)
