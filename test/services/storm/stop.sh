#!/usr/bin/env bash
# Stop squall's loopback Storm cluster: the daemons started by start.sh, then any worker (and its
# LogWriter and shell subprocesses) that this cluster's supervisor left behind. Only processes whose
# command line names this cluster's run directory are touched.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[storm] $*" >&2; }
RUN="$SQUALL_STORM_RUN"

ours() { [[ -d "/proc/$1" ]] && grep -qa -- "$2" "/proc/$1/cmdline" 2>/dev/null; }

stop_pid() { # stop_pid <pid> <marker> <label>: TERM, wait up to 10 s, then KILL
  local pid="$1" marker="$2" label="$3" i
  ours "$pid" "$marker" || return 0
  log "stopping $label (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do ours "$pid" "$marker" || return 0; sleep 0.2; done
  log "$label did not stop in 10s: KILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# Supervisor first (so it does not restart workers), then the rest.
for d in supervisor nimbus ui logviewer zookeeper; do
  f="$RUN/pids/$d.pid"
  if [[ -f "$f" ]]; then
    stop_pid "$(cat "$f")" "-Ddaemon.name=$d" "$d"
    rm -f "$f"
  fi
done

# Workers: shell subprocesses first (their pids are in the worker's pids dir), then worker JVMs.
if [[ -d "$RUN/data/workers" ]]; then
  for p in "$RUN"/data/workers/*/pids/*; do
    [[ -e "$p" ]] || continue
    pid="$(basename "$p")"
    if [[ "$pid" =~ ^[0-9]+$ && -d "/proc/$pid" ]]; then
      log "killing leftover worker subprocess $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
fi
marker="-Dstorm.local.dir=$RUN/data"
for proc in /proc/[0-9]*; do
  pid="${proc#/proc/}"
  if ours "$pid" "$marker"; then
    log "killing leftover worker JVM $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
log "stopped"
