#!/usr/bin/python3
"""The installable SDK, end to end:

1. `cmake --install BUILD --prefix WORK/prefix`: the executable, the core and
   SDK libraries, the in-tree plugins, the headers, the formats and the CMake
   package land where they should, and the installed docpipe finds its
   libraries (RPATH), plugins and templates relative to itself.
2. plugins/docx, built and installed with docpipe by default, is also
   configured and built on its own from the same sources against that prefix
   (find_package(docpipe CONFIG)), like a third-party plugin: the test of the
   installed SDK. DOCPIPE_PLUGIN_PATH comes before the built-in plugins, so
   that build is the one loaded below.
3. The plugin guide's minimal example (plugins/README.md) is extracted from
   the README's ```cpp title=... / ```cmake title=... blocks exactly as
   printed, built the same way, run with `docpipe inspect --model`, and its
   model validated against the installed model.rng.
4. make_docx.py writes a .docx of each seed's tables (real merged cells); the
   installed docpipe, with DOCPIPE_PLUGIN_PATH at the out-of-tree docx build,
   lists the plugin with its origin and version, and converts them: every
   values.csv cell equals the seed's truth, the model validates.
5. A plugin built for ABI 1.0 still loads in the ABI 1.1 host; installing
   the docx plugin with CMake's default prefix puts it into docpipe's prefix,
   where docpipe finds it without options.
1b. (after 1) The deployment files: pipelines, systemd unit and timer (with
   this prefix's paths; `systemd-analyze verify` where it exists), sysusers
   and tmpfiles entries, crontab line with absolute paths, man page,
   completion, licence; the unit's command run twice as an unprivileged user.
"""
import argparse, csv, glob, json, os, re, shutil, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

ap = argparse.ArgumentParser()
for a in ('cmake', 'generator', 'launcher', 'build', 'source', 'work', 'legacy'):
    ap.add_argument('--' + a, default='')
args = ap.parse_args()
src, work = args.source, args.work
prefix = os.path.join(work, 'prefix')
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def run(cmd, env=None, ok=(0,), **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)
    if r.returncode not in ok:
        print(f'$ {" ".join(cmd)}\nexit {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}')
        sys.exit(1)
    return r


def finish():
    if failures:
        print('\n'.join(failures[:60]))
        print(f'{len(failures)} failed')
        sys.exit(1)
    print('install, out-of-tree docx and guide example: all checks passed')
    sys.exit(0)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith('DOCPIPE_') and k != 'LD_LIBRARY_PATH'}
    env.update(extra)
    return env


def configure_and_build(source_dir, build_dir):
    cmd = [args.cmake, '-S', source_dir, '-B', build_dir, '-DCMAKE_PREFIX_PATH=' + prefix,
           '-DCMAKE_BUILD_TYPE=Release']
    if args.generator:
        cmd += ['-G', args.generator]
    if args.launcher:
        cmd += ['-DCMAKE_CXX_COMPILER_LAUNCHER=' + args.launcher, '-DCMAKE_C_COMPILER_LAUNCHER=' + args.launcher]
    run(cmd, env=clean_env())
    run([args.cmake, '--build', build_dir, '-j2'], env=clean_env())


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

# 1. install ------------------------------------------------------------------
run([args.cmake, '--install', args.build, '--prefix', prefix])
exe = os.path.join(prefix, 'bin', 'docpipe')
for rel in ['bin/docpipe', 'include/docpipe/abi.h', 'include/docpipe/sdk/plugin.hpp',
            'include/docpipe/sdk/raw_document.hpp', 'include/docpipe/sdk/text.hpp',
            'share/docpipe/formats/model.rng', 'share/docpipe/formats/templates/ogi-2019.xml',
            'lib/cmake/docpipe/docpipeConfig.cmake', 'lib/cmake/docpipe/docpipeConfigVersion.cmake',
            'lib/cmake/docpipe/docpipeTargets.cmake', 'lib/cmake/docpipe/DocpipePlugin.cmake',
            'lib/docpipe/plugins/docpipe-word-export.so']:
    check(os.path.exists(os.path.join(prefix, rel)), f'install: missing {rel}')
for lib in ('libdocpipe_core.so', 'libdocpipe_sdk.so'):
    check(glob.glob(os.path.join(prefix, 'lib', lib + '*')), f'install: missing lib/{lib}*')
check(os.path.exists(os.path.join(prefix, 'lib/docpipe/plugins/docpipe-docx.so')),
      'install: docx is built and installed with docpipe')
# The installed binaries resolve the libraries of the prefix, not of the build.
for binary in [exe] + glob.glob(os.path.join(prefix, 'lib/docpipe/plugins/*.so')):
    ldd = run(['ldd', binary], env=clean_env()).stdout
    for line in ldd.splitlines():
        m = re.match(r'\s*(libdocpipe_\w+\.so[.\d]*) => (\S+)', line)
        if m:
            check(os.path.realpath(m.group(2)).startswith(os.path.realpath(prefix) + os.sep),
                  f'RPATH: {os.path.basename(binary)} loads {m.group(1)} from {m.group(2)}')
    check('not found' not in ldd, f'RPATH: {os.path.basename(binary)}: {ldd}')

formats = run([exe, 'formats', '-v'], env=clean_env()).stdout
check(os.path.join(prefix, 'lib', 'docpipe', 'plugins', 'docpipe-word-export.so') in formats,
      f'installed docpipe does not load its plugins from the prefix:\n{formats}')
check('[built-in (install prefix)]' in formats, f'installed plugins are not shown as coming from the prefix:\n{formats}')
check(os.path.join(prefix, 'bin', '..', 'share', 'docpipe', 'formats') in formats,
      f'installed docpipe does not load its templates from the prefix:\n{formats}')

# 1b. deployment: pipelines, scheduler files, man page, completion, licence --
for rel in ['share/docpipe/pipelines/annual-reports.xml', 'share/docpipe/pipelines/pipeline.rng',
            'lib/systemd/system/docpipe-annual-reports.service', 'lib/systemd/system/docpipe-annual-reports.timer',
            'lib/sysusers.d/docpipe.conf', 'lib/tmpfiles.d/docpipe.conf',
            'share/doc/docpipe/examples/docpipe-annual-reports.cron', 'share/doc/docpipe/LICENSE',
            'share/bash-completion/completions/docpipe']:
    check(os.path.exists(os.path.join(prefix, rel)), f'install: missing {rel}')
if shutil.which('help2man'):
    man = os.path.join(prefix, 'share/man/man1/docpipe.1')
    page = open(man, encoding='utf-8').read() if os.path.exists(man) else ''
    check('.TH DOCPIPE "1"' in page and 'docpipe convert' in page and 'known' in page and 'failures' in page,
          f'install: share/man/man1/docpipe.1 missing or not made from the help: {page[:300]}')
else:
    print('help2man not installed: man page not checked')
# The unit and the crontab line name this prefix's docpipe and pipeline.
unit = open(os.path.join(prefix, 'lib/systemd/system/docpipe-annual-reports.service'), encoding='utf-8').read()
cron = open(os.path.join(prefix, 'share/doc/docpipe/examples/docpipe-annual-reports.cron'), encoding='utf-8').read()
exec_start = re.search(r'^ExecStart=(.*)$', unit, re.M).group(1).split()
cron_line = [l for l in cron.splitlines() if l and not l.startswith('#')]
check(len(cron_line) == 1, f'cron: one line expected: {cron_line}')
cron_words = cron_line[0].split()
check(exec_start[0] == exe and exec_start[2] == os.path.join(prefix, 'share/docpipe/pipelines/annual-reports.xml'),
      f'unit: ExecStart does not name the installed docpipe and pipeline: {exec_start}')
check(exe in cron_words and os.path.join(prefix, 'share/docpipe/pipelines/annual-reports.xml') in cron_words
      and cron_words[5].startswith('/') and cron_words[cron_words.index('run') - 1] == exe,
      f'cron: not absolute paths into the prefix: {cron_words}')
for option in ['User=docpipe', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'NoNewPrivileges=yes',
               'ReadWritePaths=/srv/reports/out']:
    check(re.search(rf'^{re.escape(option)}$', unit, re.M), f'unit: no {option}')
# systemd's own check of the unit and timer (the man page it names must be found).
if shutil.which('systemd-analyze'):
    v = subprocess.run(['systemd-analyze', 'verify', 'docpipe-annual-reports.service', 'docpipe-annual-reports.timer'],
                       capture_output=True, text=True, cwd=os.path.join(prefix, 'lib/systemd/system'),
                       env=dict(clean_env(), MANPATH=os.path.join(prefix, 'share/man')))
    check(v.returncode == 0 and not v.stderr.strip() and not v.stdout.strip(),
          f'systemd-analyze verify: exit {v.returncode}: {v.stdout} {v.stderr}')
else:
    print('systemd-analyze not found: the unit\'s syntax not checked')
# The service's command, run as it would be: as an unprivileged user, the
# inputs read-only to it, the output folder its own, twice (the second run
# converts nothing), with a permanently bad input that fails the run only once.
srv = os.path.join(work, 'srv', 'reports')
os.makedirs(os.path.join(srv, 'in'))
os.makedirs(os.path.join(srv, 'out'))
for seed in sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))[:2]:
    shutil.copy(seed, os.path.join(srv, 'in'))
open(os.path.join(srv, 'in', 'broken.txt'), 'wb').write(b'\x00\x01\x02binary' * 10)
command = [w.replace('/srv/reports', srv) for w in exec_start]
as_user = []


def world_traversable(path):
    p = os.path.abspath(path)
    while True:
        if not os.stat(p).st_mode & 0o001:
            return False
        if p == '/':
            return True
        p = os.path.dirname(p)


traversable = world_traversable(prefix) and world_traversable(srv)
if os.geteuid() == 0 and shutil.which('setpriv') and traversable:
    os.chown(os.path.join(srv, 'out'), 65534, 65534)
    as_user = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--no-new-privs']
else:
    print('not root (or the prefix is not world-readable): the service command runs as the current user')
for attempt, want in ((1, 1), (2, 0)):
    r = subprocess.run(as_user + command, capture_output=True, text=True, env=clean_env(), timeout=300)
    summary = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
    check(r.returncode == want, f'service command, run {attempt}: exit {r.returncode} (want {want}): {r.stderr[-800:]}')
    if attempt == 1:
        check(summary.get('converted') == 2 and summary.get('failed') == 1, f'service command: {summary}')
    else:
        check(summary.get('converted') == 0 and summary.get('known_failures') == 1, f'service re-run: {summary}')
check(os.path.exists(os.path.join(srv, 'out', 'summary.xlsx')), 'service command: no summary.xlsx in the output folder')

# 2. the docx plugin, out of tree ---------------------------------------------
docx_build = os.path.join(work, 'docx-build')
configure_and_build(os.path.join(src, 'plugins', 'docx'), docx_build)
docx_dir = os.path.join(docx_build, 'lib', 'docpipe', 'plugins')
check(os.path.exists(os.path.join(docx_dir, 'docpipe-docx.so')), 'docx: no docpipe-docx.so in the build folder')
syms = run(['nm', '-D', '--defined-only', os.path.join(docx_dir, 'docpipe-docx.so')]).stdout
exported = [l.split()[-1] for l in syms.splitlines() if l.split() and l.split()[-2] in ('T', 'D', 'B', 'W', 'V')]
# Only the entry point is the plugin's own; libstdc++'s templates keep their default visibility.
own = [x for x in exported if x != 'docpipe_plugin_entry' and not x.startswith(('_ZNSt', '_ZSt', '_ZNKSt'))]
check('docpipe_plugin_entry' in exported and not own, f'docx: hidden visibility: exports {own[:10]}')

# 3. the guide's minimal example, exactly as printed --------------------------
readme = open(os.path.join(src, 'plugins', 'README.md'), encoding='utf-8').read()
blocks = re.findall(r'^```(\w+) title=(\S+)[^\n]*\n(.*?)^```\s*$', readme, flags=re.S | re.M)
example = os.path.join(work, 'example-src')
written, samples = [], []
for lang, title, body in blocks:
    path = os.path.normpath(os.path.join(example, title))
    check(path.startswith(example + os.sep), f'README block title escapes: {title}')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'w', encoding='utf-8').write(body)
    written.append(title)
    if lang == 'text':
        samples.append(title)
check('CMakeLists.txt' in written and any(t.endswith('.cpp') for t in written),
      f'README: the example blocks (```cpp title=… / ```cmake title=…) are missing: {written}')
if failures:
    finish()
example_build = os.path.join(work, 'example-build')
configure_and_build(example, example_build)
example_dir = os.path.join(example_build, 'lib', 'docpipe', 'plugins')
plugins = glob.glob(os.path.join(example_dir, 'docpipe-*.so'))
check(len(plugins) == 1, f'example: expected one plugin in {example_dir}: {plugins}')
check(samples, 'README: no sample input block (```text title=….txt)')
env = clean_env(DOCPIPE_PLUGIN_PATH=example_dir)
m = re.search(r'name = "([^"]+)"', open(os.path.join(example, [t for t in written if t.endswith('.cpp')][0]),
                                        encoding='utf-8').read())
example_name = m.group(1) if m else '?'
listing = run([exe, 'formats', '-v'], env=env).stdout
check(f'  {example_name} ' in listing and '[DOCPIPE_PLUGIN_PATH]' in listing,
      f'example: docpipe formats does not list {example_name} from DOCPIPE_PLUGIN_PATH:\n{listing}')
for s in samples:
    model = run([exe, 'inspect', os.path.join(example, s), '--model', '-f', example_name], env=env).stdout
    mpath = os.path.join(work, 'example-model.xml')
    open(mpath, 'w', encoding='utf-8').write(model)
    v = subprocess.run(['xmllint', '--noout', '--relaxng', os.path.join(prefix, 'share/docpipe/formats/model.rng'),
                        mpath], capture_output=True, text=True)
    check(v.returncode == 0, f'example: model of {s} does not validate: {v.stderr[-800:]}')
    root = ET.fromstring(model.encode('utf-8'))
    check(root.find('body/table') is not None, f'example: no table in the model of {s}')

# 4. docx fixtures of the seeds, converted by the installed docpipe -----------
fixtures = os.path.join(work, 'docx')
run(['/usr/bin/python3', os.path.join(src, 'tests', 'install', 'make_docx.py'), src, fixtures])
docs = sorted(glob.glob(os.path.join(fixtures, '*.docx')))
check(len(docs) == 4, f'fixtures: {docs}')
for d in docs:
    with zipfile.ZipFile(d) as z:
        xml = z.read('word/document.xml').decode('utf-8')
    check('w:gridSpan' in xml and 'w:vMerge w:val="restart"' in xml and '<w:vMerge/>' in xml,
          f'{d}: the fixture has no merged cells')
env = clean_env(DOCPIPE_PLUGIN_PATH=docx_dir)
listing = run([exe, 'formats', '-v'], env=env).stdout
check(re.search(r'^  docx +\S.*\n      1\.0\.0  ', listing.split('Output formats')[0], re.M) is not None,
      f'docpipe formats -v: no input format docx 1.0.0:\n{listing}')
check(os.path.join(docx_dir, 'docpipe-docx.so') + ' [DOCPIPE_PLUGIN_PATH]' in listing,
      f'docpipe formats: docx not listed with its file and origin DOCPIPE_PLUGIN_PATH:\n{listing}')

out = os.path.join(work, 'out')
r = run([exe, 'convert', *docs, '-o', out, '-t', 'values,xml,csv'], env=env, ok=(0, 1))
check(r.returncode == 0, f'convert exit {r.returncode}: {r.stderr}')
for d in docs:
    stem = os.path.splitext(os.path.basename(d))[0]
    truth = json.load(open(os.path.join(src, 'tests/e2e/seeds', stem + '.truth.json'), encoding='utf-8'))
    mpath = os.path.join(out, stem + '.xml')
    if not check(os.path.exists(mpath), f'{stem}: no model written'):
        continue
    v = subprocess.run(['xmllint', '--noout', '--relaxng', os.path.join(prefix, 'share/docpipe/formats/model.rng'),
                        mpath], capture_output=True, text=True)
    check(v.returncode == 0, f'{stem}: model does not validate: {v.stderr[-800:]}')
    model = ET.parse(mpath).getroot()
    inp = model.find('metadata/input')
    check(inp.get('plugin') == 'docx' and inp.get('version') == '1.0.0', f'{stem}: input {inp.attrib}')
    check('not decoded' in model.find('metadata/encoding').get('decision'), f'{stem}: encoding decision')
    check(model.find('template').get('id') == truth['template'], f'{stem}: template {model.find("template").attrib}')
    check(model.find('metadata/report').get('title') == truth['title'],
          f'{stem}: title {model.find("metadata/report").get("title")!r}')
    heads = [h.text for h in model.findall('body/heading')]
    check('一、总体情况' in heads, f'{stem}: headings {heads}')
    check(not any('bookmark' in (e.text or '') or '_GoBack' in (e.text or '') for e in model.iter()),
          f'{stem}: a bookmark leaked into the model')
    tables = model.findall('body/table')
    check(len(tables) == 3, f'{stem}: {len(tables)} tables')
    spans = [c for t in tables for c in t.iter('cell') if c.get('rowspan') or c.get('colspan')]
    check(any(c.get('rowspan') for c in spans) and any(c.get('colspan') for c in spans),
          f'{stem}: no rowspan/colspan in the model')
    # every row of a table keeps the full grid width (a merge continuation is a blank cell)
    for t in tables:
        widths = {sum(int(c.get('colspan', '1')) for c in row.findall('cell')) for row in t.findall('row')}
        check(len(widths) == 1, f'{stem}: ragged table rows {widths}')
    with open(os.path.join(out, stem + '.values.csv'), encoding='utf-8-sig', newline='') as f:
        rows = list(csv.reader(f))
    got = {(x[2], x[3], x[4]): (x[5], x[10] if len(x) > 10 else '') for x in rows[1:]}
    check(len(rows) - 1 == len(truth['cells']), f'{stem}: {len(rows) - 1} value lines, {len(truth["cells"])} truth cells')
    for c in truth['cells']:
        key = (c['table'], c['row'], c['column'])
        want = c['value'] if c['value'] is not None else ''
        check(got.get(key, (None,))[0] == want, f'{stem}: {key}: got {got.get(key)!r}, want {want!r}')
        check(got.get(key, ('', ''))[1] == 'direct', f'{stem}: {key}: placement {got.get(key)!r}')
    verdict = model.find('verdict').get('status')
    check(verdict == 'ok', f'{stem}: verdict {verdict}: {[x.text for x in model.findall("verdict/reason")]}')

# Not a .docx: a ZIP without word/document.xml, a truncated .docx, text given to -f docx.
other = os.path.join(work, 'bad')
os.makedirs(other)
with zipfile.ZipFile(os.path.join(other, 'other.zip'), 'w') as z:
    z.writestr('readme.txt', 'hello')
open(os.path.join(other, 'cut.docx'), 'wb').write(open(docs[0], 'rb').read()[:2000])
for name in ('other.zip', 'cut.docx'):
    r = run([exe, 'convert', os.path.join(other, name), '-o', os.path.join(work, 'out-bad')], env=env, ok=(65,))
    check('binary' in r.stderr or 'claims' in r.stderr, f'{name}: {r.stderr}')
seed_txt = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))[0]
r = run([exe, 'inspect', seed_txt, '-f', 'docx'], env=env, ok=(65,))
check('docx' in r.stderr and 'ZIP' in r.stderr, f'-f docx on text: {r.stderr}')
# Text inputs still go to the text plugins when the docx plugin is loaded.
r = run([exe, 'inspect', seed_txt], env=env)
check('input plugin: word-export' in r.stdout, f'text input with docx loaded: {r.stdout}')

# 5. ABI 1.0 plugin; installing into docpipe's prefix -------------------------
if args.legacy:
    env = clean_env(DOCPIPE_PLUGIN_PATH=args.legacy)
    listing = run([exe, 'formats', '-v'], env=env).stdout
    check(re.search(r'^  legacy-1-0 +\S.*\n      1\.0\.0  ', listing.split('Output formats')[0], re.M) is not None,
          f'the ABI 1.0 plugin is not loaded:\n{listing}')
    model = run([exe, 'inspect', seed_txt, '--model', '-f', 'legacy-1-0'], env=env).stdout
    check('>legacy</paragraph>' in model, f'the ABI 1.0 plugin did not parse: {model[:500]}')
run([args.cmake, '--install', docx_build], env=clean_env())  # CMake's default prefix: docpipe's own
listing = run([exe, 'formats', '-v'], env=clean_env()).stdout
check(os.path.join(prefix, 'lib', 'docpipe', 'plugins', 'docpipe-docx.so') in listing,
      f'the docx plugin installed with the default prefix is not found by docpipe:\n{listing}')
r = run([exe, 'convert', docs[0], '-o', os.path.join(work, 'out-installed'), '-t', 'values'], env=clean_env())
check(r.returncode == 0, f'convert with the installed docx plugin: {r.stderr}')

finish()
