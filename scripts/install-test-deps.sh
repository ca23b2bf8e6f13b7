#!/usr/bin/env bash
# Installs the system packages the Zian test suite needs, when missing.
#
#   chromium, chromium-driver  headless browser tests (crates/testkit/src/browser.rs)
#   poppler-utils              pdftotext/pdftoppm for report (PDF) tests
#   fonts-noto-cjk             Traditional Chinese glyphs in browser screenshots and PDF documents
#   libreoffice-writer-nogui,
#   libreoffice-calc-nogui     the test oracle that opens and converts the ODT/DOCX/ODS/XLSX
#                              documents (crates/documents/tests/render.rs)
#   postgresql                 the server package only; starting it is another script's job
#   slapd, ldap-utils          OpenLDAP for the directory sign-in tests
#                              (crates/testkit/src/slapd.rs starts its own
#                              private server; the system one is not configured
#                              and is stopped if the package started it)
#
# Idempotent: runs `apt-get update` once, and only when something has to be
# installed. Meant to run as root on Debian 12 (bookworm). Prints what it installed.
set -euo pipefail

PACKAGES=(chromium chromium-driver poppler-utils fonts-noto-cjk postgresql slapd ldap-utils libreoffice-writer-nogui libreoffice-calc-nogui)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-test-deps: all present (${PACKAGES[*]}); nothing installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: missing ${missing[*]} and not root; cannot install" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# slapd: no initial directory (no questions, nothing listening on 389)
echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
# Wait for a dpkg/apt lock held by another installer instead of failing at once.
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

echo "install-test-deps: installing ${missing[*]}"
apt-get "${APT_OPTS[@]}" update -qq
apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}"

# the tests start their own slapd; a system one is not wanted
if command -v service >/dev/null 2>&1; then service slapd stop >/dev/null 2>&1 || true; fi

for pkg in "${missing[@]}"; do
    if is_installed "$pkg"; then
        echo "install-test-deps: installed $pkg $(dpkg-query -W -f='${Version}' "$pkg")"
    else
        echo "install-test-deps: FAILED to install $pkg" >&2
        exit 1
    fi
done
