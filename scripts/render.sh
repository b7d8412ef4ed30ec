#!/usr/bin/env bash
# Render exported .docx/.xlsx/.pdf files to PNG pages (LibreOffice headless for Office files, pdftoppm for PDF).
#
#   bash scripts/render.sh [FILE.docx|FILE.xlsx|FILE.pdf ...]
#
# Without arguments it renders every output of the demo (exports/demo/exports/): the lists, the booklet (Word and
# PDF: a missing PDF booklet is made first with `shigen export --format pdf`), the coverage and handout
# workbooks and the update workbooks (更新作業/**).
# Output: exports/render/<name>.pdf and exports/render/<name>-<page>.png (first $MAX_PAGES pages, default 6;
# resolution $DPI, default 80). Set RENDER_OUT to write elsewhere.
# Installs LibreOffice (writer + calc), poppler-utils and fonts-noto-cjk with apt-get when they are missing
# (without a CJK font Japanese renders as boxes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${RENDER_OUT:-$ROOT/exports/render}"
MAX_PAGES="${MAX_PAGES:-6}"
DPI="${DPI:-80}"

need_install=0
command -v soffice >/dev/null 2>&1 || need_install=1
command -v pdftoppm >/dev/null 2>&1 || need_install=1
if command -v fc-list >/dev/null 2>&1; then
  fc-list :lang=ja 2>/dev/null | grep -q . || need_install=1
else
  need_install=1
fi
if [ "$need_install" = 1 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "render.sh: LibreOffice / poppler-utils / fonts-noto-cjk が必要です(apt-get が見つかりません)。手で入れてください。" >&2
    exit 2
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "render.sh: LibreOffice・poppler-utils・fonts-noto-cjk を入れます…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk >/dev/null
fi

files=("$@")
if [ "${#files[@]}" = 0 ]; then
  shopt -s nullglob
  DEMO="$ROOT/exports/demo"
  pdfs=("$DEMO"/exports/*.pdf)
  if [ -d "$DEMO/workbooks" ] && [ "${#pdfs[@]}" = 0 ] && [ -x "$ROOT/.venv/bin/shigen" ]; then
    (cd "$DEMO" && "$ROOT/.venv/bin/shigen" export --format pdf >/dev/null) || echo "render.sh: PDF の冊子を作れませんでした" >&2
  fi
  shopt -s globstar
  files=("$DEMO"/exports/*.xlsx "$DEMO"/exports/*.docx "$DEMO"/exports/*.pdf "$DEMO"/exports/更新作業/**/*.xlsx)
  shopt -u nullglob globstar
fi
if [ "${#files[@]}" = 0 ]; then
  echo "render.sh: 変換するファイルがありません。bash scripts/render.sh exports/一覧.xlsx のように指定してください。" >&2
  exit 2
fi

mkdir -p "$OUT"
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
for f in "${files[@]}"; do
  case "$f" in
    *.docx|*.xlsx|*.DOCX|*.XLSX|*.pdf|*.PDF) ;;
    *) echo "render.sh: $f は .docx/.xlsx/.pdf ではないので飛ばします" >&2; continue ;;
  esac
  [ -f "$f" ] || { echo "render.sh: $f がありません" >&2; exit 2; }
  name="$(basename "${f%.*}")"
  case "$f" in
    */更新作業/*) name="更新作業_$(basename "$(dirname "$f")")_$name" ;;
    *.pdf|*.PDF) name="${name}_PDF" ;;  # beside the Word booklet's rendering of the same name
  esac
  pdf="$OUT/$name.pdf"
  case "$f" in
    *.pdf|*.PDF) cp "$f" "$pdf" ;;  # typeset by shigen itself: only the pages to PNG
    *)
      soffice -env:UserInstallation="file://$PROFILE" --headless --convert-to pdf --outdir "$OUT" "$f" >/dev/null 2>&1
      [ -f "$OUT/$(basename "${f%.*}").pdf" ] && [ "$OUT/$(basename "${f%.*}").pdf" != "$pdf" ] && mv "$OUT/$(basename "${f%.*}").pdf" "$pdf"
      ;;
  esac
  [ -f "$pdf" ] || { echo "render.sh: $f を PDF にできませんでした" >&2; exit 1; }
  rm -f "$OUT/$name"-*.png
  pdftoppm -r "$DPI" -f 1 -l "$MAX_PAGES" -png "$pdf" "$OUT/$name"
  pages="$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')"
  echo "$pdf (${pages:-?} ページ) → $OUT/$name-*.png"
done

# shigen site: screenshots of the web site at phone and desktop widths (top, a genre, search results, a resource,
# the resource and the genre printed) and the QR card, with headless Chromium (installed with apt-get when missing)
if [ "$#" = 0 ] && [ -z "${NO_SITE:-}" ]; then
  bash "$ROOT/tests/browser/install.sh"
  PY="${PYTHON:-$ROOT/.venv/bin/python}"
  "$PY" "$ROOT/tests/browser/shots.py" "$OUT"
fi
