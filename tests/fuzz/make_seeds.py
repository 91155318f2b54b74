#!/usr/bin/python3
"""Seeds for the fuzz targets from the texts in this tree (the sample reports,
the input plugins' fixtures, and tests/fuzz/regressions: inputs that were
findings once), into OUT/convert_fuzz and OUT/input_plugins_fuzz.

convert_fuzz reads raw files: each text as it is, and the sample reports also
in the encodings the core decodes (GB18030, UTF-16LE with a BOM, UTF-8 with
a BOM and CRLF). input_plugins_fuzz wants decoded text behind one byte that
picks the parser (0 tab-separated, 1 space-aligned, 2 word-export)."""
import glob, os, sys

src, out = sys.argv[1], sys.argv[2]
forms = {'tab-separated': 0, 'space-aligned': 1, 'word-export': 2}
convert_dir = os.path.join(out, 'convert_fuzz')
plugins_dir = os.path.join(out, 'input_plugins_fuzz')
os.makedirs(convert_dir, exist_ok=True)
os.makedirs(plugins_dir, exist_ok=True)


def put(folder, name, data):
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


n = 0
for form, byte in forms.items():
    for path in sorted(glob.glob(os.path.join(src, 'tests/plugins', form, 'fixtures', '*'))):
        data = open(path, 'rb').read()
        put(convert_dir, f'{form}-{os.path.basename(path)}', data)
        put(plugins_dir, f'{form}-{os.path.basename(path)}', bytes([byte]) + data)
        n += 1
for path in sorted(glob.glob(os.path.join(src, 'tests/e2e/seeds', '*.txt'))):
    data = open(path, 'rb').read()
    base = os.path.basename(path)
    text = data.decode('utf-8-sig')
    put(convert_dir, base, data)
    put(convert_dir, base + '.gb18030', text.encode('gb18030'))
    put(convert_dir, base + '.utf16le', b'\xff\xfe' + text.encode('utf-16-le'))
    put(convert_dir, base + '.bom-crlf', b'\xef\xbb\xbf' + text.replace('\n', '\r\n').encode('utf-8'))
    put(plugins_dir, base, bytes([forms['word-export']]) + text.encode('utf-8'))
    n += 1
# Originals that the byte-reading plugins take (convert_fuzz only).
for path in sorted(glob.glob(os.path.join(src, 'tests/plugins/pdf/fixtures', '*.pdf'))):
    put(convert_dir, 'pdf-' + os.path.basename(path), open(path, 'rb').read())
    n += 1
# Inputs that once were findings (tests/fuzz/regressions: raw files, whole path).
for path in sorted(glob.glob(os.path.join(src, 'tests/fuzz/regressions', '*'))):
    put(convert_dir, 'regression-' + os.path.basename(path), open(path, 'rb').read())
    n += 1
print(f'{n} texts -> {out}')
