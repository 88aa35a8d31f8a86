#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for squall's tests: initdb into $SQUALL_PG_RUN (once),
# pg_ctl start on 127.0.0.1:$SQUALL_PG_PORT (5433, so a system cluster on 5432 is left alone), then create
# the role and database of $DATABASE_URL. As root, the cluster runs as the postgres user. Idempotent.
# Env: SQUALL_PG_RUN, SQUALL_PG_PORT, SQUALL_PG_DB, SQUALL_PG_USER, SQUALL_PG_START_TIMEOUT (s, 60).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[postgres] $*" >&2; }
BIN="$("$HERE/install.sh" | tail -1)"
RUN="$SQUALL_PG_RUN"
DATA="$RUN/data"
TIMEOUT="${SQUALL_PG_START_TIMEOUT:-60}"
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$RUN"
[[ "$(id -u)" == 0 ]] && chown postgres:postgres "$RUN" && chmod 700 "$RUN"

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  log "initdb in $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >"$RUN/initdb.log" 2>&1 || {
    tail -20 "$RUN/initdb.log" >&2; log "ERROR: initdb failed"; exit 1; }
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $SQUALL_PG_PORT"
    echo "unix_socket_directories = '$RUN'"
    echo "max_connections = 100"
    echo "shared_buffers = 64MB"
    echo "fsync = off"                 # a throwaway test cluster: speed over durability
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
  } | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
fi

if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  log "already running on 127.0.0.1:$SQUALL_PG_PORT"
else
  if (exec 3<>"/dev/tcp/127.0.0.1/$SQUALL_PG_PORT") 2>/dev/null; then
    log "ERROR: port $SQUALL_PG_PORT is taken by another process; stop it or set SQUALL_PG_PORT"; exit 1
  fi
  log "starting on 127.0.0.1:$SQUALL_PG_PORT"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$RUN/server.log" -w -t "$TIMEOUT" start >/dev/null || {
    log "ERROR: pg_ctl start failed. Tail of $RUN/server.log:"; tail -30 "$RUN/server.log" >&2; exit 1; }
fi

psql_admin() { as_owner "$BIN/psql" -h "$RUN" -p "$SQUALL_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [[ -z "$(psql_admin -c "select 1 from pg_roles where rolname = '$SQUALL_PG_USER'")" ]]; then
  psql_admin -c "create role \"$SQUALL_PG_USER\" login superuser password 'squall'"
fi
if [[ -z "$(psql_admin -c "select 1 from pg_database where datname = '$SQUALL_PG_DB'")" ]]; then
  psql_admin -c "create database \"$SQUALL_PG_DB\" owner \"$SQUALL_PG_USER\""
fi
log "ready: DATABASE_URL=$DATABASE_URL (data $DATA, log $RUN/server.log)"
