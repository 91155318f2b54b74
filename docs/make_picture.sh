#!/usr/bin/env bash
# Makes docs/images/converted-report.png, the picture in README.md, from the
# real output: a real report (淮安 2024, as `pdftotext -layout` gives it) converted by docpipe into its workbook, the
# workbook printed to PDF by LibreOffice (headless), and the page with the
# 收到和处理 table rendered by pdftoppm. Run it from the source tree after a
# build, again whenever the workbook changes:
#
#   docs/make_picture.sh [build/bin/docpipe]
#
# Needs LibreOffice Calc (apt-get install libreoffice-calc-nogui) and
# poppler-utils (pdftoppm, pdftotext).
set -euo pipefail
cd "$(dirname "$0")/.."
docpipe="${1:-build/bin/docpipe}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$docpipe" convert tests/e2e/fixtures/real-pdftotext/400_7a5ca51893172e72.txt -o "$work" -t xlsx -O xlsx:sheets=template
# A private LibreOffice profile: no clash with a running LibreOffice.
# SinglePageSheets: each sheet on one page, whatever its print layout.
soffice -env:UserInstallation="file://$work/profile" --headless \
  --convert-to 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}' --outdir "$work" \
  "$work/400_7a5ca51893172e72.xlsx" >/dev/null
pdf="$work/400_7a5ca51893172e72.pdf"
pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
page=1
for ((p = 1; p <= pages; p++)); do
  if pdftotext -f "$p" -l "$p" "$pdf" - | grep -q '本年新收'; then page=$p; break; fi
done
pdftoppm -f "$page" -l "$page" -r 70 -png -singlefile "$pdf" docs/images/converted-report
echo "docs/images/converted-report.png: page $page of $pages"
