#!/bin/sh
# Regenerates the pictures in docs/ from the fixture pair: the HTML report in headless
# Chromium (desktop and phone widths) and the first two pages of the .docx as rendered by
# LibreOffice (PDF pages to PNG with pdftoppm).
# Usage: cargo build --release && sh scripts/screenshots.sh
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=target/release/treaty
v1=fixtures/security-draft.v1.txt
v2=fixtures/security-draft.v2.txt
"$bin" diff --format html -o "$tmp/report.html" "$v1" "$v2" || [ $? -eq 1 ]
SOURCE_DATE_EPOCH=1259452800 "$bin" diff --format docx -o "$tmp/report.docx" "$v1" "$v2" || [ $? -eq 1 ]
chrome() {
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --user-data-dir="$tmp/profile-$1" --hide-scrollbars --window-size="$2" \
    --screenshot="docs/$1.png" "file://$tmp/report.html" 2>/dev/null
}
chrome report-html 1280,1500
chrome report-html-phone 390,1200
soffice -env:UserInstallation="file://$tmp/lo" --headless --convert-to pdf --outdir "$tmp" "$tmp/report.docx" >/dev/null 2>&1
pdftoppm -png -r 70 -f 1 -l 2 "$tmp/report.pdf" docs/report-docx
ls -l docs/*.png
