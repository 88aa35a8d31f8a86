#!/usr/bin/env bash
# Stop squall's loopback Kafka broker (only the process start.sh started, found by its pid file and
# its command line). Keeps the data; `stop.sh --wipe` deletes it too (the next start formats afresh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[kafka] $*" >&2; }
RUN="$SQUALL_KAFKA_RUN"
PIDF="$RUN/kafka.pid"
ours() { [[ -d "/proc/$1" ]] && grep -qa -- "-Dsquall.kafka.run=$RUN" "/proc/$1/cmdline" 2>/dev/null; }
if [[ -f "$PIDF" ]]; then
  pid="$(cat "$PIDF")"
  if ours "$pid"; then
    log "stopping the broker (pid $pid)"
    kill -CONT "$pid" 2>/dev/null || true   # a broker paused with kill -STOP cannot handle TERM
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do ours "$pid" || break; sleep 0.2; done
    if ours "$pid"; then log "the broker did not stop in 20s: KILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$PIDF"
fi
if [[ "${1:-}" == "--wipe" ]]; then rm -rf "$RUN/data"; log "data wiped"; fi
log "stopped"
