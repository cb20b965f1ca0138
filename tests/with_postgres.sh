#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on 127.0.0.1 and a free port, its URL in
# TOOLKIT_TEST_DATABASE_URL; the cluster is stopped and deleted afterwards, whatever happens.
# `make test` wraps pytest in this so that the PostgreSQL half of the suite always runs.
# If TOOLKIT_TEST_DATABASE_URL is already set, that server is used and nothing is started.
set -euo pipefail

if [ -n "${TOOLKIT_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL est introuvable (/usr/lib/postgresql/*/bin/initdb) : sudo apt-get install postgresql" >&2
  exit 1
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pgdata=$(mktemp -d /tmp/toolkit-pg.XXXXXX)
# initdb refuses to run as root: the cluster then belongs to Debian's postgres user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$pgdata"
  as_owner=(runuser -u postgres --)
fi
"${as_owner[@]}" "$pgbin/initdb" -D "$pgdata" -A trust -U postgres -E UTF8 >/dev/null
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
  -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
  start >/dev/null
cleanup() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdata"
}
trap cleanup EXIT

export TOOLKIT_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') jetable sur 127.0.0.1:$port"
"$@"
