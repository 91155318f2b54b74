"""What the scoring tests share: docpipe's per-report values files combined
into the tidy CSV that shared/eval/score.py reads, the scorer's last line, and
the test's verdict on it (strict recall and precision both 100%)."""
import csv, os, subprocess, sys


def combine_values(values_files, out_csv):
    """Concatenates docpipe .values.csv files into one scorer CSV."""
    rows = []
    for p in sorted(values_files):
        with open(p, encoding='utf-8-sig', newline='') as f:
            rows.extend(csv.DictReader(f))
    with open(out_csv, 'w', encoding='utf-8', newline='') as f:
        w = csv.DictWriter(f, fieldnames=['file', 'template', 'table', 'row', 'column', 'value'], extrasaction='ignore')
        w.writeheader()
        w.writerows(rows)


def score(shared, truths, csv_path, json_path):
    """Runs the scorer; returns its last line (or its error output)."""
    s = subprocess.run([sys.executable, os.path.join(shared, 'eval/score.py'), *truths, '--csv', csv_path,
                        '--json', json_path], capture_output=True, text=True)
    return s.stdout.strip().splitlines()[-1] if s.stdout.strip() else s.stderr


def perfect(last):
    """Strict recall and precision both 100.00% in the scorer's last line."""
    return '| strict: ' in last and last.split('| strict: ')[1].split('(')[1].startswith('100.00%') and \
        last.split('| precision: ')[1].split('(')[1].startswith('100.00%')
