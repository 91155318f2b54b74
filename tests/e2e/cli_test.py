#!/usr/bin/python3
"""The command line as people type it (issue 19, item 4): --version, a
mistyped command or name answered with the nearest one and the valid ones
(exit 64), names case-insensitive and trimmed, -i/-o on convert and run, stdin
with --name, the reasons of a `review` verdict on convert's line, inspect of
a refused file, formats with inputs and outputs apart, plurals."""
import glob, json, os, re, shutil, subprocess, sys, tempfile
import runs

exe, src = sys.argv[1], sys.argv[2]
seeds = sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds/*.txt')))
pipeline = os.path.join(src, 'pipelines/annual-reports.xml')
failures = []


check = runs.checker(failures)


def run(*args, stdin=None):
    return subprocess.run([exe, *args], capture_output=True, text=True, input=stdin, timeout=300)


def stems(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


with tempfile.TemporaryDirectory() as tmp:
    # --version
    r = run('--version')
    check(r.returncode == 0 and re.fullmatch(r'docpipe \d+\.\d+\.\d+\n', r.stdout), f'--version: {r.returncode} {r.stdout!r}')

    # a mistyped command: the nearest, and every command
    r = run('conver', seeds[0], '-o', os.path.join(tmp, 'x'))
    check(r.returncode == 64 and "unknown command 'conver': did you mean 'convert'?" in r.stderr
          and 'convert, formats, inspect, validate, run, merge, status' in r.stderr, f'conver: {r.returncode} {r.stderr}')
    r = run('--plugin-dir', tmp, 'stauts', tmp)
    check(r.returncode == 64 and "did you mean 'status'" in r.stderr, f'stauts: {r.returncode} {r.stderr}')
    r = run()
    check(r.returncode == 64 and 'a command is required' in r.stderr and 'convert' in r.stderr, f'no command: {r.stderr}')

    # every name error lists the valid names, exit 64, before any work
    out = os.path.join(tmp, 'bad-names')
    r = run('convert', seeds[0], '-o', out, '-t', 'pdf')
    check(r.returncode == 64 and "unknown output format 'pdf'" in r.stderr
          and '(valid: csv, values, xlsx, xml)' in r.stderr and stems(out) == [], f'-t pdf: {r.returncode} {r.stderr}')
    r = run('convert', seeds[0], '-o', out, '-f', 'word-exprot')
    check(r.returncode == 64 and "did you mean 'word-export'?" in r.stderr and 'auto, ' in r.stderr
          and 'tab-separated' in r.stderr, f'-f word-exprot: {r.returncode} {r.stderr}')
    r = run('convert', seeds[0], '-o', out, '-O', 'xslx:sheets=all')
    check(r.returncode == 64 and "unknown output format 'xslx': did you mean 'xlsx'?" in r.stderr,
          f'-O xslx: {r.returncode} {r.stderr}')
    r = run('convert', seeds[0], '-o', out, '-O', 'csv:bomm=false')
    check(r.returncode == 64 and "unknown option 'bomm' of output format 'csv': did you mean 'bom'?" in r.stderr
          and '(valid: bom, ' in r.stderr
          and stems(out) == [], f'-O csv:bomm: {r.returncode} {r.stderr}')
    r = run('validate', seeds[0], '-f', 'Word-Exprot')
    check(r.returncode == 64 and "did you mean 'word-export'?" in r.stderr, f'validate -f: {r.returncode} {r.stderr}')
    r = run('validate', seeds[0], '-f', 'WORD-EXPORT ')
    check(r.returncode == 0 and ' 0 fail' in r.stdout, f'validate -f WORD-EXPORT: {r.returncode} {r.stdout} {r.stderr}')
    r = run('inspect', seeds[0], '-f', 'nope')
    check(r.returncode == 64 and '(valid: auto, ' in r.stderr, f'inspect -f nope: {r.returncode} {r.stderr}')

    # names case-insensitive and trimmed; -i as well as plain arguments
    out = os.path.join(tmp, 'names')
    r = run('convert', '-i', seeds[0], '-o', out, '-t', 'xlsx, CSV', '-f', ' Word-Export ', '-O', 'CSV:bom=false')
    name = os.path.splitext(os.path.basename(seeds[0]))[0]
    got = stems(out)
    check(r.returncode == 0 and f'{name}.xlsx' in got and any(f.endswith('.csv') for f in got)
          and not any(f.endswith(('.xml', '.values.csv')) for f in got), f"-t 'xlsx, CSV': {r.returncode} {got} {r.stderr}")
    table_csv = [f for f in got if f.endswith('.csv')]
    check(table_csv and not open(os.path.join(out, table_csv[0]), 'rb').read().startswith(b'\xef\xbb\xbf'),
          '-O CSV:bom=false not applied')
    # plural right: "1 file", "4 files"
    check(re.search(r', 1 files?\n', r.stderr) is None or ', 1 file\n' in r.stderr, f'plural: {r.stderr}')
    r = run('convert', seeds[0], '-o', os.path.join(tmp, 'one'), '-t', 'values')
    check(r.stderr.rstrip().endswith(', 1 file') and '1 files' not in r.stderr, f'"1 files": {r.stderr}')
    r = run('convert', seeds[0], '-i', seeds[1], '-o', os.path.join(tmp, 'two'), '-t', 'values,xml')
    check(r.returncode == 0 and r.stderr.count(', 2 files\n') == 2 and '2 of 2 inputs converted' in r.stderr,
          f'two inputs (argument and -i): {r.stderr}')

    # stdin, named with --name; messages name it as given
    data = open(seeds[1], encoding='utf-8').read()
    out = os.path.join(tmp, 'stdin')
    r = run('convert', '-', '--name', 'report-2020.txt', '-o', out, '-t', 'values,xml', stdin=data)
    check(r.returncode == 0 and stems(out) == ['report-2020.values.csv', 'report-2020.xml']
          and r.stderr.startswith('report-2020.txt: ogi-'), f'stdin: {r.returncode} {stems(out)} {r.stderr}')
    check('<source ' in open(os.path.join(out, 'report-2020.xml'), encoding='utf-8').read()
          and 'report-2020.txt' in open(os.path.join(out, 'report-2020.xml'), encoding='utf-8').read(),
          'stdin: the model does not name the input by --name')
    r = run('convert', '-', '-o', os.path.join(tmp, 'stdin2'), '-t', 'values', stdin='\x00\x01binary')
    check(r.returncode == 65 and r.stderr.startswith('docpipe: -: ') and '.docpipe-tmp' not in r.stderr,
          f'stdin refused: {r.returncode} {r.stderr}')
    check(stems(os.path.join(tmp, 'stdin2')) == [], f'stdin refused: left {stems(os.path.join(tmp, "stdin2"))}')
    r = run('convert', '-', '--name', '../x.txt', '-o', os.path.join(tmp, 'stdin3'), stdin=data)
    check(r.returncode == 64, f'--name with a path: {r.returncode} {r.stderr}')

    # review: convert's line gives the reasons
    half = os.path.join(tmp, 'half.txt')
    open(half, 'w', encoding='utf-8').write(open(seeds[0], encoding='utf-8').read()[:1200])
    r = run('convert', half, '-o', os.path.join(tmp, 'review'), '-t', 'values')
    m = re.match(r'.*half\.txt: ogi-20\d\d, review \((.+)\), \d+ identit', r.stderr) or \
        re.match(r'.*half\.txt: ogi-20\d\d, review \((.+)\), 1 file', r.stderr)
    check(r.returncode == 0 and m and 'not found' in m.group(1), f'review reasons: {r.stderr}')

    # inspect prints the kind, encoding and every probe score even when it refuses
    binary = os.path.join(tmp, 'scan.dat')
    open(binary, 'wb').write(b'\x00\x01\x02binary' * 10)
    r = run('inspect', binary)
    inputs_listed = run('--list-input-formats').stdout.split()
    check(r.returncode == 65 and 'kind: binary' in r.stdout and 'encoding: not decodable' in r.stdout
          and 'refused: ' in r.stdout and all(f' {p}=' in r.stdout for p in inputs_listed),
          f'inspect of a refused file: {r.returncode} {r.stdout} {r.stderr}')
    gibberish = os.path.join(tmp, 'prose.txt')
    open(gibberish, 'w', encoding='utf-8').write('这是一段没有表格的文字。\n' * 5)
    r = run('inspect', gibberish)
    check(r.returncode == 65 and 'encoding: utf-8' in r.stdout and 'word-export=' in r.stdout
          and 'tab-separated=' in r.stdout and 'no input plugin claims' in r.stdout,
          f'inspect of text no plugin claims: {r.returncode} {r.stdout} {r.stderr}')
    r = run('inspect', seeds[0])
    check(r.returncode == 0 and 'kind: text' in r.stdout and 'input plugin: word-export' in r.stdout
          and 'template: ogi-' in r.stdout, f'inspect: {r.stdout}')

    # formats: inputs and outputs apart, no paths without -v; pandoc's lists
    r = run('formats')
    ins, _, rest = r.stdout.partition('Output formats (-t):\n')
    outs = rest.split('Templates:')[0]
    check(r.stdout.startswith('Input formats (-f):\n') and '  word-export ' in ins and '  xlsx ' not in ins
          and '  xlsx ' in outs and '  word-export' not in outs and '.so' not in r.stdout,
          f'formats: {r.stdout}')
    rv = run('formats', '-v')
    check('.so [' in rv.stdout and 'ogi-2019.xml' in rv.stdout, f'formats -v: {rv.stdout}')
    li, lo = run('--list-input-formats'), run('--list-output-formats')
    check(li.returncode == 0 and 'word-export' in li.stdout.split() and 'xlsx' not in li.stdout.split(),
          f'--list-input-formats: {li.stdout}')
    check(lo.stdout.split() == ['csv', 'values', 'xlsx', 'xml'], f'--list-output-formats: {lo.stdout}')

    # run: -i/-o like convert (the long forms still work)
    inp = os.path.join(tmp, 'in')
    os.makedirs(inp)
    shutil.copy(seeds[0], inp)
    r = run('run', pipeline, '-i', inp, '-o', os.path.join(tmp, 'run-out'), '-j', '1')
    s = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
    check(r.returncode == 0 and s.get('converted') == 1, f'run -i/-o: {r.returncode} {r.stdout} {r.stderr}')

# bash completion: commands, and format names from docpipe itself
completion = os.path.join(src, 'completions/docpipe.bash')
def complete(*words):
    script = (f'source {completion}; COMP_WORDS=(docpipe {" ".join(words)}); COMP_CWORD={len(words)}; '
              '_docpipe; printf "%s\\n" "${COMPREPLY[@]}"')
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(exe)) + ':' + os.environ.get('PATH', ''))
    return subprocess.run(['bash', '-c', script], capture_output=True, text=True, env=env).stdout.split()
check(complete('con') == ['convert'], f"completion of 'con': {complete('con')}")
check(complete('convert', '-t', 'xlsx,v') == ['xlsx,values'], f"completion of -t xlsx,v: {complete('convert', '-t', 'xlsx,v')}")
check('word-export' in complete('convert', '-f', 'w'), f"completion of -f w: {complete('convert', '-f', 'w')}")
check('--known-failures-ok' in complete('run', '--k'), f"completion of run --k: {complete('run', '--k')}")

if failures:
    print('\n'.join(failures))
    sys.exit(1)
print('cli: ok')
