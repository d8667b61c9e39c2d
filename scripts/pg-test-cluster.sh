#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: `start` creates a cluster with
# initdb in a temporary directory (owned by the `postgres` OS user, as
# PostgreSQL requires) and starts it on 127.0.0.1 only, port $GH_PG_PORT
# (default 55432), with its socket in that directory too; `url` prints the
# URL of its maintenance database; `newdb` creates a fresh, empty database
# gh_test_<random> and prints its URL; `restart` restarts the server, and
# `pause` stops it keeping its data for the next `start` (both for the
# reconnection test); `stop` stops it (pg_ctl stop -m fast) and removes the
# directory. Installs Debian's postgresql when it is missing.
#
# Authentication is `trust`, which is acceptable only because the server
# listens on loopback, lives for one test run and holds test data only.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${GH_PG_PORT:-55432}
DIR=${GH_PG_DIR:-${TMPDIR:-/tmp}/gh-pg-$PORT}
URL="postgres://postgres@127.0.0.1:$PORT/postgres"

bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

start() {
  [ -n "$(bindir)" ] || scripts/setup.sh
  local bin
  bin=$(bindir)
  if [ -f "$DIR/data/PG_VERSION" ] && as_postgres "$bin/pg_ctl" status -D "$DIR/data" >/dev/null; then
    echo "$URL"
    return
  fi
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    chown postgres: "$DIR"
    as_postgres "$bin/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 ||
      { cat "$DIR/initdb.log" >&2; exit 1; }
  fi
  as_postgres "$bin/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$DIR' -c max_connections=200" >/dev/null ||
    { cat "$DIR/server.log" >&2; exit 1; }
  echo "$URL"
}

stop() {
  local bin
  bin=$(bindir)
  if [ -n "$bin" ] && [ -d "$DIR/data" ]; then
    as_postgres "$bin/pg_ctl" stop -D "$DIR/data" -m fast -w >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

pause() {
  as_postgres "$(bindir)/pg_ctl" stop -D "$DIR/data" -m fast -w >/dev/null
}

restart() {
  as_postgres "$(bindir)/pg_ctl" restart -D "$DIR/data" -m fast -w -t 30 >/dev/null
}

newdb() {
  local name
  name="gh_test_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  psql -qAt -v ON_ERROR_STOP=1 "$URL" -c "CREATE DATABASE $name" >/dev/null
  echo "postgres://postgres@127.0.0.1:$PORT/$name"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  pause) pause ;;
  url) echo "$URL" ;;
  newdb) newdb ;;
  *)
    echo "usage: $0 start|stop|restart|pause|url|newdb" >&2
    exit 2
    ;;
esac
