#!/usr/bin/env bash
# Render exported .docx/.xlsx files to PDF and PNG pages with LibreOffice (headless), to look at them.
#
#   bash scripts/render.sh [FILE.docx|FILE.xlsx ...]
#
# Without arguments it renders the .docx/.xlsx files of the demo (exports/demo/exports/).
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
  files=("$ROOT"/exports/demo/exports/*.xlsx "$ROOT"/exports/demo/exports/*.docx)
  shopt -u nullglob
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
    *.docx|*.xlsx|*.DOCX|*.XLSX) ;;
    *) echo "render.sh: $f は .docx/.xlsx ではないので飛ばします" >&2; continue ;;
  esac
  [ -f "$f" ] || { echo "render.sh: $f がありません" >&2; exit 2; }
  name="$(basename "${f%.*}")"
  soffice -env:UserInstallation="file://$PROFILE" --headless --convert-to pdf --outdir "$OUT" "$f" >/dev/null 2>&1
  pdf="$OUT/$name.pdf"
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
