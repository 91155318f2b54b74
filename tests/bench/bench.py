#!/usr/bin/python3
"""Bulk-run benchmark (not a test: nothing here passes or fails; not in ctest).

Makes N reports by copying the corpus texts under new names (round robin, 500
a folder) on tmpfs (/dev/shm; --tmp DIR measures a disk), each copy a report
of its own agency (`distinct`: a number after the agency's name in the title,
so no two copies are one agency's report of one year, which the cross-year
checks would call duplicates), then for each
output set and worker count runs `docpipe run` --repeat times and prints the
medians of:

  - CPU-ms a report: user + system time of every process of the run (runner
    and workers, from the OS: getrusage(RUSAGE_CHILDREN) of a process that
    only starts the run), divided by N;
  - wall-clock seconds and reports/s, and the rate of J workers over 1 worker;
  - peak RSS of the largest process (ru_maxrss of the same call).

Output sets (--outputs): `xml+values` (XML and tidy values per report),
`shipped` (pipelines/annual-reports.xml's outputs: per-report XLSX of
metadata, template tables and checks, XML, values), or any plugins joined by
`+` (`xlsx:all`: the workbook with every sheet), each with the combined
values.csv and summary.xlsx. The Python peer (tests/bench/python_peer.py, XlsxWriter, a
workbook per report of the cells of the same texts; once with XlsxWriter's
temporary files, once in memory) runs on the same inputs in the same run,
and the ratio of its CPU a report to docpipe's shipped
pipeline (1 worker) is printed.

    /usr/bin/python3 tests/bench/bench.py --docpipe build/bin/docpipe [--sizes 1000,10000] [--jobs 1,2]
        [--outputs xml+values,shipped] [--repeat 3] [--peer-sizes 1000]
"""
import argparse, glob, itertools, os, re, shutil, statistics, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument('--docpipe', default='build/bin/docpipe')
ap.add_argument('--corpus', default=os.path.join(here, '../../../shared/corpus'))
ap.add_argument('--sizes', default='1000,10000')
ap.add_argument('--jobs', default='1,2')
ap.add_argument('--outputs', default='xml+values,shipped')
ap.add_argument('--repeat', type=int, default=3)
ap.add_argument('--peer-sizes', default='1000', help='sizes at which the Python peer runs ("" for none)')
ap.add_argument('--tmp', default='/dev/shm' if os.path.isdir('/dev/shm') else None)
args = ap.parse_args()

sources = sorted(glob.glob(os.path.join(args.corpus, '*/*.txt')))
if not sources:
    sources = sorted(glob.glob(os.path.join(here, '../e2e/seeds/*.txt')))
texts = [open(p, 'rb').read() for p in sources]
exe = os.path.abspath(args.docpipe)

# A year as a title states it ("2020年", "2020 年"), and a number an agency key would drop as a year.
TITLE_YEAR = re.compile(r'(?:19|20)[0-9]{2}\s*年')
YEARLIKE = re.compile(r'(?:19|20)[0-9]{2}')


def distinct(raw, number):
    """The text with `number` after the agency's name in its title (the first
    short line of the first 15 naming a 年度报告; the line before when the title
    starts with 政府信息公开): before the year when the name comes first
    (德惠市自然资源局7 2020年…), else before 政府信息公开 or at the end of the
    line (2020年环翠区信访局7 / 政府信息公开工作年度报告); in the text's own
    encoding (UTF-16 with a BOM, UTF-8, else GB18030). A text without such a
    title, and so without an agency, is copied as it is."""
    codec = 'utf-16' if raw[:2] in (b'\xff\xfe', b'\xfe\xff') else 'utf-8'
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:
        codec, text = 'gb18030', raw.decode('gb18030')
    lines = text.split('\n')
    short = [re.sub(r'\s', '', x) for x in lines[:15]]
    t = next((t for t, x in enumerate(short) if '年度报' in x and len(x) <= 60), None)
    if t is None:
        return raw
    if short[t].startswith('政府信息公开'):  # the name and the year on the line before (blank lines between)
        t = next((k for k in range(t - 1, -1, -1) if short[k]), t)
    line = lines[t]
    m = TITLE_YEAR.search(line)
    if m is None:
        return raw
    if line[:m.start()].strip(' \t\ufeff'):  # the name, then the year
        at = len(line[:m.start()].rstrip(' \t'))
    elif (k := line.find('政府信息公开', m.end())) >= 0:
        at = k
    else:
        at = len(line.rstrip(' \t\r'))
    lines[t] = line[:at] + str(number) + line[at:]
    return '\n'.join(lines).encode(codec)


def output_element(spec):
    """"xlsx" is the workbook pipelines/annual-reports.xml writes (metadata,
    template tables, checks); "xlsx:all" the plugin's full default."""
    plugin, _, sheets = spec.partition(':')
    if plugin == 'xlsx':
        return f'<output plugin="xlsx"><option name="sheets" value="{sheets or "metadata,template,checks"}"/></output>'
    return f'<output plugin="{plugin}"/>'


def outputs_of(name):
    """An output set: "shipped" (the outputs of pipelines/annual-reports.xml) or plugins joined by "+"."""
    return ''.join(output_element(p) for p in ('xlsx+xml+values' if name == 'shipped' else name).split('+'))


def measure(cmd):
    """(wall s, CPU s of every process, peak RSS MiB of the largest, exit code) of cmd, run from a fresh
    Python process so that its RUSAGE_CHILDREN counts this command's processes only."""
    probe = ('import resource, subprocess, sys, time; t = time.monotonic(); '
             'r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); '
             'w = time.monotonic() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); '
             'print(w, u.ru_utime + u.ru_stime, u.ru_maxrss, r.returncode)')
    out = subprocess.run([sys.executable, '-c', probe, *cmd], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]) / 1024.0, int(out[3])


def median_run(cmd, before=None):
    runs = []
    for _ in range(args.repeat):
        if before:
            before()
        runs.append(measure(cmd))
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[2] for r in runs), max(r[3] for r in runs))


rows, peer_rows = [], []
with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
    out = os.path.join(tmp, 'out')
    clear = lambda: shutil.rmtree(out, ignore_errors=True)
    for n in [int(x) for x in args.sizes.split(',')]:
        inp = os.path.join(tmp, f'in-{n}')
        # The numbers after the names: none holds what an agency key drops as a year (2019, 12020).
        numbers = (k for k in itertools.count(1) if not YEARLIKE.search(str(k)))
        for i in range(n):
            d = os.path.join(inp, f'd{i // 500:04d}')
            if i % 500 == 0:
                os.makedirs(d)
            with open(os.path.join(d, f'r{i:06d}.txt'), 'wb') as f:
                f.write(distinct(texts[i % len(texts)], next(numbers)))
        for name in args.outputs.split(','):
            pipeline = os.path.join(tmp, f'{name}.xml')
            with open(pipeline, 'w') as f:
                f.write(f'<pipeline name="bench">{outputs_of(name)}'
                        '<combined values="values.csv" summary="summary.xlsx"/></pipeline>')
            base = None
            for j in [int(x) for x in args.jobs.split(',')]:
                wall, cpu, rss, rc = median_run([exe, 'run', pipeline, '--input', inp, '--output', out,
                                                 '--jobs', str(j)], clear)
                rate = n / wall
                base = base or rate
                rows.append((n, name, j, wall, rate, rate / base, 1000 * cpu / n, rss))
                print(f'{n:>6} {name:<10} {j} workers: {wall:7.2f} s {rate:7.0f}/s x{rate / base:4.2f} '
                      f'{1000 * cpu / n:6.2f} CPU-ms/report {rss:6.1f} MiB{"" if rc in (0, 1) else f"  exit {rc}"}',
                      file=sys.stderr, flush=True)
        if str(n) in args.peer_sizes.split(','):
            for how in ([], ['--in-memory']):
                wall, cpu, rss, rc = median_run([sys.executable, os.path.join(here, 'python_peer.py'), inp, out, *how],
                                                clear)
                label = 'in memory' if how else 'temporary files'
                peer_rows.append((n, label, wall, n / wall, 1000 * cpu / n, rss, rc))
                print(f'{n:>6} python peer ({label}): {wall:7.2f} s {n / wall:7.0f}/s {1000 * cpu / n:6.2f} '
                      f'CPU-ms/report {rss:6.1f} MiB{"" if rc == 0 else f"  exit {rc}"}', file=sys.stderr, flush=True)
        clear()
        shutil.rmtree(inp, ignore_errors=True)

print(f'medians of {args.repeat} runs; {len(texts)} corpus texts copied round robin, each copy its own agency\n')
print('| reports | outputs | workers | seconds | reports/s | vs 1 worker | CPU-ms a report | peak RSS (largest process) |')
print('|---:|---|---:|---:|---:|---:|---:|---:|')
for n, name, j, wall, rate, scale, cpu, rss in rows:
    print(f'| {n} | {name} | {j} | {wall:.2f} | {rate:.0f} | {scale:.2f}x | {cpu:.2f} | {rss:.1f} MiB |')
for n, label, wall, rate, cpu, rss, rc in peer_rows:
    shipped = [r for r in rows if r[0] == n and r[1] == 'shipped' and r[2] == 1]
    ratio = f'; Python peer / docpipe shipped (1 worker) CPU a report: {cpu / shipped[0][6]:.2f}x' if shipped else ''
    print(f'\nPython peer (XlsxWriter, {label}, {n} reports, one process): {wall:.2f} s, {rate:.0f}/s, '
          f'{cpu:.2f} CPU-ms a report, {rss:.1f} MiB{ratio}')
