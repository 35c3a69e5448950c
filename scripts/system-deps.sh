#!/usr/bin/env bash
# Debian packages the browser tests and PDFs need: Chromium (never `playwright install`), CJK
# fonts (otherwise Chinese renders as empty boxes) and HarfBuzz's subsetter (fast WeasyPrint).
# Installs them when run as root and they are missing; otherwise says loudly what is missing.
set -uo pipefail
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for package in chromium fonts-noto-cjk libharfbuzz-subset0; do
  installed "$package" || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "== installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "!! MISSING Debian packages: ${missing[*]} (not root: install them with apt-get)" >&2
  exit 1
fi
