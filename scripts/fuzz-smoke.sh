#!/usr/bin/env bash
# Short, bounded libFuzzer run of every cargo-fuzz target in fuzz/ (part of the test command).
#
# Each target starts from its committed seeds (fuzz/seeds/<target>/) plus a throw-away working
# corpus, and runs for FUZZ_SECONDS (default 20) under AddressSanitizer. Prints one summary line
# per target and exits non-zero if any target crashes, leaks, times out or fails to build.
#
# Environment:
#   FUZZ_SECONDS      seconds per target (default 20)
#   FUZZ_TARGETS      space-separated subset of targets (default: all declared targets)
#   FUZZ_SANITIZER    address (default) or none
#   CARGO_TARGET_DIR  build directory (default: $HOME/.cache/zian/fuzz-target, outside the repo)
#
# The machine only has a stable toolchain; cargo-fuzz passes nightly-only flags
# (-Zsanitizer, -Cpasses=sancov-module, ...), which RUSTC_BOOTSTRAP=1 lets stable accept.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz_dir="$repo/fuzz"
seconds="${FUZZ_SECONDS:-20}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zian/fuzz-target}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: cargo-fuzz not found, installing it (cargo install cargo-fuzz --locked)" >&2
    cargo install cargo-fuzz --locked
fi

host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="$CARGO_TARGET_DIR/$host/release"
build=(cargo fuzz build --debug-assertions --sanitizer "$sanitizer" --target "$host")

cd "$fuzz_dir"
declared="$(cargo fuzz list)"
targets="${FUZZ_TARGETS:-$declared}"

# nvd_record, cve5_record and store_load need the `vuln` feature (they depend on zian-vuln).
echo "fuzz-smoke: building targets ($sanitizer sanitizer, target dir $CARGO_TARGET_DIR)" >&2
"${build[@]}" --features vuln >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
for t in $targets; do
    if ! grep -qx "$t" <<<"$declared"; then
        echo "fuzz-smoke: unknown target $t" >&2
        failed=1
        continue
    fi
    mkdir -p "$work/$t" "$fuzz_dir/artifacts/$t"
    seeds=()
    if [[ -d "$fuzz_dir/seeds/$t" ]]; then seeds=("$fuzz_dir/seeds/$t"); fi
    dict=()
    if [[ -f "$fuzz_dir/dicts/$t.dict" ]]; then dict=(-dict="$fuzz_dir/dicts/$t.dict"); fi
    log="$work/$t.log"
    status=ok
    # Work corpus first (new inputs are written there), seeds second (read only).
    if ! "$bin_dir/$t" "$work/$t" "${seeds[@]}" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
        -artifact_prefix="$fuzz_dir/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1; then
        status=FAILED
        failed=1
    fi
    # A crash can come before any of these lines are printed: missing values become "?".
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    secs="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)"
    cov="$({ grep -o 'cov: [0-9]*' "$log" || true; } | tail -n 1 | tr -dc 0-9)"
    printf 'fuzz-smoke: %-12s %-6s runs=%s seconds=%s cov=%s\n' \
        "$t" "$status" "${runs:-?}" "${secs:-?}" "${cov:-?}"
    if [[ $status != ok ]]; then
        # Keep the whole log next to the crash input; print the panic/sanitizer message and the
        # tail (crash input, artifact path) so the test output is self-contained.
        cp "$log" "$fuzz_dir/artifacts/$t/smoke.log"
        { grep -m 5 -A 1 -E 'panicked at|ERROR: |SUMMARY: ' "$log" || true; } >&2
        { grep -v '^#[0-9]' "$log" || true; } | tail -n 12 >&2
        echo "fuzz-smoke: full log: $fuzz_dir/artifacts/$t/smoke.log" >&2
    fi
done

exit "$failed"
