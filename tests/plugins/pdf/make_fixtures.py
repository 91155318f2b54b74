#!/usr/bin/python3
"""Writes the pdf reader's test fixtures into fixtures/ (committed; run again
only to change them). table.pdf is written here byte by byte, so every rule
and glyph position is known; the others are made from it (or from a picture)
with the usual tools: qpdf (encrypted), img2pdf and Pillow (scanned).

table.pdf, two A4 pages, Helvetica (PDF y grows upwards):
  page 1: title (18 pt), a paragraph, a ruled table, page number "- 1 -"
    columns x = 50 | 100 | 250 | 350 | 450, rows y = 700 | 680 | 660 | 630 | 610
    row 0-1, cols 0-1: "Item" (rowspan 2, colspan 2); row 0, cols 2-3: "Values"
    row 1: "a" | "b"
    rows 2-3, col 0: "GRP" printed rotated (rowspan 2)
    row 2: "first"/"second" (two lines) | "1" | blank;  row 3: "third" | "2" | "3"
    rules: horizontal ones stroked, in pieces; vertical ones as thin filled boxes
  page 2: the table goes on at the top (row "fourth" | "4" | "5", same
    edges), then a paragraph and "- 2 -".
"""
import os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fixtures')


def text(x, y, s, size=10, rotated=False):
    m = f'0 1 -1 0 {x} {y}' if rotated else f'1 0 0 1 {x} {y}'
    return f'BT /F1 {size} Tf {m} Tm ({s}) Tj ET\n'


def hline(x0, x1, y):
    return f'{x0} {y} m {x1} {y} l S\n'


def vbox(x, y0, y1):  # a vertical rule drawn as a 0.5 pt wide filled box
    return f'{x - 0.25} {y0} 0.5 {y1 - y0} re f\n'


def page1():
    c = '0.5 w 0 0 0 RG 0 0 0 rg\n'
    c += text(220, 800, 'Annual Report 2024', 18)
    c += text(50, 760, 'Some text before the table.', 11)
    c += hline(50, 250, 700) + hline(250, 450, 700)  # drawn in two pieces
    c += hline(250, 450, 680)
    c += hline(50, 450, 660)
    c += hline(100, 450, 630)
    c += hline(50, 450, 610)
    c += vbox(50, 610, 700) + vbox(100, 610, 660) + vbox(250, 610, 700) + vbox(350, 610, 680) + vbox(450, 610, 700)
    c += text(110, 677, 'Item') + text(280, 686, 'Values')
    c += text(260, 666, 'a') + text(360, 666, 'b')
    c += text(78, 615, 'GRP', rotated=True)
    c += text(105, 648, 'first') + text(105, 636, 'second') + text(260, 642, '1')
    c += text(105, 616, 'third') + text(260, 616, '2') + text(360, 616, '3')
    c += text(290, 40, '- 1 -')
    return c


def page2():
    c = '0.5 w 0 0 0 RG 0 0 0 rg\n'
    c += hline(50, 450, 800) + hline(50, 450, 780)
    for x in (50, 100, 250, 350, 450):
        c += vbox(x, 780, 800)
    c += text(105, 786, 'fourth') + text(260, 786, '4') + text(360, 786, '5')
    c += text(50, 740, 'After the table.', 11)
    c += text(290, 40, '- 2 -')
    return c


def pdf(contents):
    objs = ['<< /Type /Catalog /Pages 2 0 R >>', None,
            '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>']
    kids = []
    for c in contents:
        data = c.encode('latin-1')
        objs.append(f'<< /Length {len(data)} >>\nstream\n'.encode() + data + b'endstream')
        content = len(objs)
        objs.append(f'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R '
                    f'/Resources << /Font << /F1 3 0 R >> >> >>')
        kids.append(f'{len(objs)} 0 R')
    objs[1] = f'<< /Type /Pages /Kids [{" ".join(kids)}] /Count {len(kids)} >>'
    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f'{i} 0 obj\n'.encode() + (o if isinstance(o, bytes) else o.encode()) + b'\nendobj\n'
    xref = len(out)
    out += f'xref\n0 {len(objs) + 1}\n0000000000 65535 f \n'.encode()
    for off in offsets:
        out += f'{off:010d} 00000 n \n'.encode()
    out += f'trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n'.encode()
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    table = os.path.join(OUT, 'table.pdf')
    data = pdf([page1(), page2()])
    open(table, 'wb').write(data)
    # Damaged: cut before the page tree is complete (unreadable), or only the
    # cross-reference table lost (MuPDF rebuilds it).
    open(os.path.join(OUT, 'truncated.pdf'), 'wb').write(data[:300])
    open(os.path.join(OUT, 'no-xref.pdf'), 'wb').write(data[:data.rindex(b'xref\n0 ')])
    # Encrypted with a user password (cannot be read), and with an owner
    # password only (opens without one).
    subprocess.run(['qpdf', '--encrypt', 'secret', 'owner', '256', '--', table,
                    os.path.join(OUT, 'encrypted.pdf')], check=True)
    subprocess.run(['qpdf', '--encrypt', '', 'owner', '256', '--', table,
                    os.path.join(OUT, 'owner-password.pdf')], check=True)
    # Scanned: a picture of a page, no text layer.
    from PIL import Image, ImageDraw
    png = os.path.join(OUT, 'scan.png')
    im = Image.new('L', (200, 280), 255)
    d = ImageDraw.Draw(im)
    d.rectangle([20, 60, 180, 120], outline=0)
    d.line([100, 60, 100, 120], fill=0)
    d.text((30, 20), 'scanned page', fill=0)
    im.save(png)
    subprocess.run(['img2pdf', '--pagesize', 'A4', '-o', os.path.join(OUT, 'scanned.pdf'), png], check=True)
    os.remove(png)


if __name__ == '__main__':
    sys.exit(main())
