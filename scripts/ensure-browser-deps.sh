#!/usr/bin/env bash
# Debian chromium and a CJK font for the real-browser tests. Installs them when missing and run
# as root; otherwise says which command to run (the browser tests then skip, saying why).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE "wenquanyi|noto sans cjk|noto serif cjk" || missing+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the browser tests (1-2 minutes on a new machine)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The browser tests need: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
  echo "(continuing: those tests will be skipped)" >&2
fi
