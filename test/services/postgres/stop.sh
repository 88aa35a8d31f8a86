#!/usr/bin/env bash
# Stop squall's throwaway PostgreSQL cluster (pg_ctl stop -m fast). `stop.sh --wipe` deletes its data too.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[postgres] $*" >&2; }
DATA="$SQUALL_PG_RUN/data"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as_owner() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [[ -n "$BIN" && -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
fi
if [[ "${1:-}" == "--wipe" ]]; then rm -rf "$SQUALL_PG_RUN"; log "data wiped"; fi
log "stopped"
