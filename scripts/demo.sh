#!/usr/bin/env bash
# The README's first command: the platform with the demo on embedded SQLite.
# Installs what PDF documents need on Debian 12 (fonts-noto-cjk: the
# Traditional Chinese faces) when missing and run as root, then builds and
# runs `zian demo` with any arguments given (e.g. --bind 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q '^install ok installed$'; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "demo: installing fonts-noto-cjk (PDF documents in Traditional Chinese)"
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends fonts-noto-cjk
    else
        echo "demo: fonts-noto-cjk is not installed; PDF documents will ask for it (the other formats work)" >&2
    fi
fi
exec cargo run --release -- demo "$@"
