#!/usr/bin/env bash
# What `make browser-test` needs, installed when missing (CI runs as root on Debian):
#   Debian's chromium + chromium-driver (Selenium drives them), a Java runtime and the Nu Html Checker (vnu.jar,
#   from the npm package vnu-jar pinned in tests/browser/package-lock.json) that validates every page.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
command -v java >/dev/null 2>&1 || want+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || want+=(npm)
if [ "${#want[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser-test: ${want[*]} が必要です(apt-get がないので手で入れてください)。" >&2
    exit 2
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "browser-test: ${want[*]} を入れます…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi
if [ ! -f "$HERE/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi
