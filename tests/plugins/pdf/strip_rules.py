#!/usr/bin/python3
"""strip_rules.py IN.pdf OUT.pdf: the same PDF with every painted path left
out (strokes and fills become 'n', end the path without painting): its text
where it was, its tables without ruling lines. Made with qpdf's QDF form
(uncompressed content streams) and fix-qdf, both in Debian's qpdf package."""
import os, re, subprocess, sys, tempfile

PAINT = re.compile(rb'(?<=[\s\]\)>])(S|s|f\*?|F|B\*?|b\*?)(?=\s)')


def strip_rules(src, dst):
    with tempfile.TemporaryDirectory() as tmp:
        qdf = os.path.join(tmp, 'qdf.pdf')
        subprocess.run(['qpdf', '--qdf', '--object-streams=disable', src, qdf], check=True)
        with open(qdf, 'rb') as f:
            data = PAINT.sub(b'n', f.read())
        with open(qdf, 'wb') as f:
            f.write(data)
        fixed = os.path.join(tmp, 'fixed.pdf')
        with open(fixed, 'wb') as out:
            subprocess.run(['fix-qdf', qdf], check=True, stdout=out)
        subprocess.run(['qpdf', fixed, dst], check=True)


if __name__ == '__main__':
    strip_rules(sys.argv[1], sys.argv[2])
