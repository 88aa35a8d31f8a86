#!/usr/bin/env bash
# Install PostgreSQL's server binaries from Debian (apt) when they are missing. Prints the folder of
# initdb/pg_ctl on the last line of stdout. Needs root for apt-get (or the binaries already there).
set -euo pipefail
log() { echo "[postgres] $*" >&2; }
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
bin="$(find_bin)"
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  if [[ "$(id -u)" != 0 ]]; then log "PostgreSQL is not installed; as root: apt-get install postgresql"; exit 1; fi
  log "installing postgresql from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bin="$(find_bin)"
  [[ -x "$bin/initdb" ]] || { log "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql"; exit 1; }
fi
log "binaries: $bin"
echo "$bin"
