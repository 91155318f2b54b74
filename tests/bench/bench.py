#!/usr/bin/python3
"""Bulk-run benchmark (not a test: nothing here passes or fails).

Generates N reports from the corpus (round robin over its text files, 500 per
folder), runs `docpipe run` on them with 1..J workers and two output sets
(XML + values, and XML + values + XLSX; the combined values.csv and
summary.xlsx always), and prints reports per second and the peak resident
memory of the largest process (the runner or one worker). Inputs and outputs
live on tmpfs by default (/dev/shm) so that small-file creation on a disk
does not dominate; --tmp DIR measures a disk instead.

    /usr/bin/python3 tests/bench/bench.py --docpipe build/bin/docpipe [--sizes 1000,10000,100000] [--jobs 1,2]
        [--outputs xml+values,xml+values+xlsx,xml+values+xlsx:all]
"""
import argparse, glob, os, resource, shutil, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument('--docpipe', default='build/bin/docpipe')
ap.add_argument('--corpus', default=os.path.join(os.path.dirname(__file__), '../../../shared/corpus'))
ap.add_argument('--sizes', default='1000,10000')
ap.add_argument('--jobs', default='1,2')
ap.add_argument('--outputs', default='xml+values,xml+values+xlsx')
ap.add_argument('--tmp', default='/dev/shm' if os.path.isdir('/dev/shm') else None)
args = ap.parse_args()

sources = sorted(glob.glob(os.path.join(args.corpus, '*/*.txt')))
if not sources:
    sources = sorted(glob.glob(os.path.join(os.path.dirname(__file__), '../e2e/seeds/*.txt')))
texts = [open(p, 'rb').read() for p in sources]
exe = os.path.abspath(args.docpipe)


def measure(cmd):
    """Runs cmd in a child Python so that RUSAGE_CHILDREN covers this run only."""
    probe = ('import resource, subprocess, sys, time; t = time.monotonic(); '
             'r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); '
             'print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)')
    out = subprocess.run([sys.executable, '-c', probe, *cmd], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024.0, int(out[2])


def output_element(spec):
    """"xlsx" is the workbook pipelines/annual-reports.xml writes (metadata,
    template tables, checks); "xlsx:all" the plugin's full default."""
    plugin, _, sheets = spec.partition(':')
    if plugin == 'xlsx':
        sheets = sheets or 'metadata,template,checks'
        return f'<output plugin="xlsx"><option name="sheets" value="{sheets}"/></output>'
    return f'<output plugin="{plugin}"/>'


rows = []
with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
    for n in [int(x) for x in args.sizes.split(',')]:
        inp = os.path.join(tmp, f'in-{n}')
        for i in range(n):
            d = os.path.join(inp, f'd{i // 500:04d}')
            if i % 500 == 0:
                os.makedirs(d)
            with open(os.path.join(d, f'r{i:06d}.txt'), 'wb') as f:
                f.write(texts[i % len(texts)])
        for outputs in args.outputs.split(','):
            pipeline = os.path.join(tmp, f'{outputs}.xml')
            with open(pipeline, 'w') as f:
                f.write('<pipeline name="bench">' + ''.join(output_element(p) for p in outputs.split('+')) +
                        '<combined values="values.csv" summary="summary.xlsx"/></pipeline>')
            base = None
            for j in [int(x) for x in args.jobs.split(',')]:
                out = os.path.join(tmp, 'out')
                shutil.rmtree(out, ignore_errors=True)
                secs, rss, rc = measure([exe, 'run', pipeline, '--input', inp, '--output', out, '--jobs', str(j)])
                rate = n / secs
                base = base or rate
                rows.append((n, outputs, j, secs, rate, rate / base, rss, rc))
                print(f'{n:>7} {outputs:<16} {j:>2} {secs:8.2f} s {rate:8.0f}/s  x{rate / base:4.2f}  {rss:6.1f} MiB'
                      f'{"" if rc in (0, 1) else f"  exit {rc}"}', file=sys.stderr, flush=True)
                shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(inp, ignore_errors=True)

print('| reports | outputs | workers | seconds | reports/s | scaling | peak RSS (largest process) |')
print('|---:|---|---:|---:|---:|---:|---:|')
for n, outputs, j, secs, rate, scale, rss, rc in rows:
    print(f'| {n} | {outputs} | {j} | {secs:.2f} | {rate:.0f} | {scale:.2f}x | {rss:.1f} MiB |')
