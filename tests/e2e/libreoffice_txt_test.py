#!/usr/bin/python3
"""cell-per-line on LibreOffice text exports it was not tuned on: .docx made
from the seeds' truth by tests/install/make_docx.py (real Word merges, labels
over two paragraphs) and the corpus's HTML originals opened in Writer, each
saved with `soffice --headless --convert-to txt`. Every cell must come back
(strict and precision 100%). Skipped (exit 77) without the shared corpus,
LibreOffice (libreoffice-writer-nogui) or python3-docx."""
import glob, json, os, shutil, subprocess, sys, tempfile

import scoring

exe, source, shared = sys.argv[1:4]
corpus = os.path.join(shared, 'corpus', 'originals')
soffice = shutil.which('soffice')
if not os.path.isdir(corpus) or soffice is None or subprocess.run(
        ['/usr/bin/python3', '-c', 'import docx'], capture_output=True).returncode != 0:
    print('no shared corpus, LibreOffice or python3-docx: skipped')
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    profile = 'file://' + os.path.join(tmp, 'profile')
    subprocess.run(['/usr/bin/python3', os.path.join(source, 'tests/install/make_docx.py'), source,
                    os.path.join(tmp, 'docx')], check=True, capture_output=True)
    jobs = [(p, os.path.join(source, 'tests/e2e/seeds', os.path.basename(p)[:-5] + '.truth.json'), [])
            for p in sorted(glob.glob(os.path.join(tmp, 'docx', '*.docx')))]
    jobs += [(p, p[:-5] + '.truth.json', ['--infilter=HTML (StarWriter)'])
             for p in sorted(glob.glob(os.path.join(corpus, '*.html')))]
    truths, missing = [], []
    for path, truth_path, infilter in jobs:
        stem = os.path.basename(path).rsplit('.', 1)[0]
        subprocess.run([soffice, f'-env:UserInstallation={profile}', '--headless', *infilter, '--convert-to',
                        'txt:Text (encoded):UTF8', '--outdir', os.path.join(tmp, 'txt'), path],
                       capture_output=True, timeout=120)
        txt = os.path.join(tmp, 'txt', stem + '.txt')
        if not os.path.exists(txt):
            missing.append(stem)
            continue
        truth = json.load(open(truth_path, encoding='utf-8'))
        mine = os.path.join(tmp, stem + '.truth.json')
        json.dump(dict(truth, source=stem + '.txt', form='cell-per-line'), open(mine, 'w', encoding='utf-8'),
                  ensure_ascii=False)
        truths.append(mine)
        subprocess.run([exe, 'convert', txt, '-o', os.path.join(tmp, 'out'), '-t', 'values'], capture_output=True)
    all_csv = os.path.join(tmp, 'all.csv')
    scoring.combine_values(glob.glob(os.path.join(tmp, 'out', '*.values.csv')), all_csv)
    last = scoring.score(shared, truths, all_csv, os.path.join(tmp, 'report.json'))
print(f'{len(truths)} LibreOffice text exports ({len(missing)} files LibreOffice did not convert): {last}')
sys.exit(0 if truths and scoring.perfect(last) else 1)
