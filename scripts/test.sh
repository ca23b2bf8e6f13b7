#!/usr/bin/env bash
# Zian's whole test suite — the README's second command and what CI runs.
#
#   format check → clippy (warnings denied) → cargo-deny (licences, bans,
#   sources; advisories when the RustSec database can be fetched) → every
#   test on SQLite and on PostgreSQL (a throwaway server is started when none
#   answers) and in headless Chromium → a short fuzz run of every parser.
#
# Installs what it needs on Debian 12 (Chromium, ChromeDriver, PostgreSQL,
# Noto CJK fonts, poppler) when run as root. The cargo target directory is
# kept outside the clone ($CARGO_TARGET_DIR, default ~/.cache/zian/target)
# so repeated runs are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/zian/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# no incremental compilation cache: a clean clone gains nothing from it and
# it doubles the target directory on a machine whose disk is shared
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export ZIAN_TEST_ARTIFACTS=${ZIAN_TEST_ARTIFACTS:-$root/test-artifacts}
mkdir -p "$CARGO_TARGET_DIR" "$ZIAN_TEST_ARTIFACTS"
start=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "system packages"
bash scripts/install-test-deps.sh

step "PostgreSQL"
ZIAN_TEST_PG_URL=$(bash scripts/start-test-postgres.sh)
export ZIAN_TEST_PG_URL ZIAN_REQUIRE_PG=1 ZIAN_REQUIRE_BROWSER=1 ZIAN_REQUIRE_LDAP=1
echo "using $ZIAN_TEST_PG_URL"
# drop databases left by earlier runs
psql "$ZIAN_TEST_PG_URL" -Atc "select datname from pg_database where datname like 'zt\_%'" \
    | while read -r db; do psql "$ZIAN_TEST_PG_URL" -qc "drop database if exists \"$db\"" >/dev/null || true; done

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo-deny"
# deny.toml: licences, bans and sources always. Advisories need the RustSec
# database, a git repository on GitHub: fetched when reachable, else a local
# copy is used, else the check is skipped with a line saying so.
deny_version=0.20.2 # needs rustc >= 1.88
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $deny_version" ]; then
    # built outside the project's target directory
    env -u CARGO_TARGET_DIR cargo install --locked cargo-deny --version "$deny_version"
fi
# (drop --hide-inclusion-graph to see why a crate is in the graph)
cargo deny --locked check --hide-inclusion-graph licenses bans sources
advisory_dbs=${CARGO_HOME:-$HOME/.cargo}/advisory-dbs
if timeout 300 cargo deny --locked fetch db >"$ZIAN_TEST_ARTIFACTS/cargo-deny-fetch.log" 2>&1; then
    cargo deny --locked check --hide-inclusion-graph advisories
elif compgen -G "$advisory_dbs/*/.git" >/dev/null; then
    echo "cargo-deny: the RustSec advisory database could not be fetched; checking advisories against the local copy in $advisory_dbs"
    cargo deny --locked --offline check --hide-inclusion-graph advisories
else
    log=$ZIAN_TEST_ARTIFACTS/cargo-deny-fetch.log
    reason=$({ grep -m1 '^fatal:' "$log" || grep -m1 -i 'error' "$log" || true; } | cut -c1-200)
    echo "cargo-deny: advisories SKIPPED: the RustSec advisory database (https://github.com/RustSec/advisory-db) could not be fetched and there is no local copy in $advisory_dbs (${reason:-see $log})"
fi

step "tests (SQLite + PostgreSQL + Chromium)"
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast --test-threads 2
else
    cargo test --workspace --locked --no-fail-fast -- --test-threads 2
fi
cargo test --workspace --locked --doc

step "fuzz smoke"
CARGO_TARGET_DIR=${ZIAN_FUZZ_TARGET_DIR:-$HOME/.cache/zian/fuzz-target} bash scripts/fuzz-smoke.sh

step "done"
