#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the Cluster profile and its tests.
#
#   scripts/postgres.sh start   start (or reuse) a server on 127.0.0.1, create database "buckets",
#                               write the connection string to $BUCKETS_PG_DIR/connection-string
#                               and print it
#   scripts/postgres.sh url     print the connection string of the running server
#   scripts/postgres.sh stop    stop the server (the data directory stays for the next start)
#
# BUCKETS_PG_DIR (default /tmp/buckets-pg) holds data/, the socket, the log and the connection
# string. Authentication is "trust" on loopback only: this server is for development and CI.
set -euo pipefail

pg_dir="${BUCKETS_PG_DIR:-/tmp/buckets-pg}"
pg_bin="${BUCKETS_PG_BIN:-/usr/lib/postgresql/15/bin}"
data="$pg_dir/data"
cs_file="$pg_dir/connection-string"
port_file="$pg_dir/port"
database="buckets"

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

# PostgreSQL refuses to run as root, so as root every server command runs as the postgres user.
# fd 9 (the start/stop lock) is closed for the child: a server that inherited it would hold the
# lock for its whole life and every later start would wait forever.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@" 9>&-
  else
    "$@" 9>&-
  fi
}

ensure_binaries() {
  if [ -x "$pg_bin/pg_ctl" ]; then
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "PostgreSQL binaries not found in $pg_bin and not root, so cannot apt-get install postgresql"
  fi
  echo "postgres.sh: installing the Debian postgresql package" >&2
  (apt-get install -y postgresql || { apt-get update && apt-get install -y postgresql; }) >&2 \
    || die "apt-get install postgresql failed"
  [ -x "$pg_bin/pg_ctl" ] || die "postgresql installed but $pg_bin/pg_ctl is missing (not version 15?)"
}

is_running() {
  [ -f "$data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then
      echo "$port"
      return
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

connection_string() {
  echo "Host=127.0.0.1;Port=$(cat "$port_file");Username=postgres;Database=$database"
}

start() {
  ensure_binaries
  mkdir -p "$pg_dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$pg_dir"
  fi
  chmod 700 "$pg_dir"

  if is_running && [ -f "$cs_file" ]; then
    cat "$cs_file"
    return
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    as_pg "$pg_bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$pg_dir/initdb.log" 2>&1 \
      || die "initdb failed; see $pg_dir/initdb.log"
  fi

  # A fresh free port on every start: a stale port file from a previous boot may be taken now.
  local port
  port=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    echo "$port" | runuser -u postgres -- tee "$port_file" >/dev/null
  else
    echo "$port" >"$port_file"
  fi
  # fsync off: the data is throwaway and tests create many databases.
  as_pg "$pg_bin/pg_ctl" -D "$data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c max_connections=200" start >/dev/null \
    || die "pg_ctl start failed; last lines of $pg_dir/server.log: $(tail -n 20 "$pg_dir/server.log" 2>/dev/null)"

  local ready=0
  for _ in $(seq 1 60); do
    if as_pg "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      ready=1
      break
    fi
    sleep 0.5
  done
  [ "$ready" -eq 1 ] || die "server did not accept connections on 127.0.0.1:$port within 30 s"

  local exists
  exists=$(as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$database'")
  if [ "$exists" != "1" ]; then
    as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database" || die "createdb $database failed"
  fi

  connection_string >"$cs_file.tmp"
  mv "$cs_file.tmp" "$cs_file"
  cat "$cs_file"
}

stop() {
  if is_running; then
    as_pg "$pg_bin/pg_ctl" -D "$data" -w -t 60 stop -m fast >/dev/null
    echo "postgres.sh: stopped" >&2
  else
    echo "postgres.sh: not running" >&2
  fi
  rm -f "$cs_file"
}

url() {
  if is_running && [ -f "$cs_file" ]; then
    cat "$cs_file"
  else
    die "not running; use: $0 start"
  fi
}

command="${1:-}"
case "$command" in
  start | stop)
    # One start/stop at a time: test projects may run this in parallel.
    mkdir -p "$(dirname "$pg_dir")"
    exec 9>"$pg_dir.lock"
    flock 9
    "$command"
    ;;
  url) url ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
