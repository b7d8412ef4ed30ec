#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for `make browser-test` when they are missing (CI runs as root).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser-test: chromium と chromedriver が必要です(apt-get がないので手で入れてください)。" >&2
  exit 2
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "browser-test: chromium・chromium-driver を入れます…" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
