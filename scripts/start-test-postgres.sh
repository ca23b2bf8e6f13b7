#!/usr/bin/env bash
# Prints a PostgreSQL admin URL for the test suite. Uses the server on
# 127.0.0.1:5432 when one answers with trust auth; otherwise starts a
# throwaway cluster (Debian's postgresql package) on 127.0.0.1:55432 in a
# temporary directory, owned by the `postgres` system user. Idempotent.
set -euo pipefail

url_default="postgres://postgres@127.0.0.1:5432/postgres"
if command -v psql >/dev/null 2>&1 && psql "$url_default" -Atc 'select 1' >/dev/null 2>&1; then
    echo "$url_default"
    exit 0
fi

port=55432
url="postgres://postgres@127.0.0.1:${port}/postgres"
if command -v psql >/dev/null 2>&1 && psql "$url" -Atc 'select 1' >/dev/null 2>&1; then
    echo "$url"
    exit 0
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "start-test-postgres: PostgreSQL is not installed (run scripts/install-test-deps.sh)" >&2
    exit 1
fi
dir=${ZIAN_PG_DIR:-/tmp/zian-test-pg}
run_as=()
if [ "$(id -u)" -eq 0 ]; then
    run_as=(runuser -u postgres --)
fi
if [ ! -f "$dir/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    "${run_as[@]}" "$bindir/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p ${port} -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "$url"
