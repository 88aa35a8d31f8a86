#!/usr/bin/env bash
# Start squall's single-node loopback Storm cluster: ZooKeeper (Storm's DevZookeeper), Nimbus, Supervisor,
# and the UI REST + logviewer stand-in (storm-webapp is not on Maven Central; see ui/SquallStormUi.java).
# Installs first (cached). Idempotent: daemons already running are left alone. Waits until Nimbus Thrift
# accepts connections, the UI lists a supervisor, and the logviewer answers.
# Env: SQUALL_CACHE, SQUALL_STORM_RUN (pid files, logs, storm.local.dir), SQUALL_STORM_START_TIMEOUT (s, 180).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[storm] $*" >&2; }

SH="$("$HERE/install.sh")"
RUN="$SQUALL_STORM_RUN"
mkdir -p "$RUN/pids" "$RUN/logs" "$RUN/data"
TIMEOUT="${SQUALL_STORM_START_TIMEOUT:-180}"

alive() { # alive <name>: the daemon's pid file names a live process of ours
  local f="$RUN/pids/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" && -d "/proc/$pid" ]] && grep -qa -- "-Ddaemon.name=$1" "/proc/$pid/cmdline" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

launch() { # launch <name> <heap> <classpath> <main> [args...]
  local name="$1" heap="$2" cp="$3" main="$4"; shift 4
  if alive "$name"; then
    log "$name already running (pid $(cat "$RUN/pids/$name.pid"))"
    STARTED+=("$name")
    return 0
  fi
  log "starting $name"
  # setsid: the daemon leaves our process group, so it outlives this script and the caller's job.
  setsid java -server -Xmx"$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Ddaemon.name="$name" -Dstorm.home="$SH" -Dstorm.log.dir="$RUN/logs" -Dlogfile.name="$name.log" \
    -Dlog4j.configurationFile="$SH/log4j2/cluster.xml" -Djava.net.preferIPv4Stack=true \
    -cp "$cp" "$main" "$@" >"$RUN/logs/$name.out" 2>&1 </dev/null &
  echo $! >"$RUN/pids/$name.pid"
  STARTED+=("$name")
}

DAEMON_CP="$SH/lib/*:$SH/extlib/*:$SH/extlib-daemon/*:$SH/conf"
UI_CP="$SH/squall-ui/classes:$SH/lib-worker/*:$SH/conf"

fail() { # fail <daemon> <what>
  log "ERROR: $2 (after ${TIMEOUT}s or daemon exit). Tail of $1's logs:"
  for f in "$RUN/logs/$1.log" "$RUN/logs/$1.out"; do
    [[ -s "$f" ]] && { echo "----- $f" >&2; tail -n 30 "$f" | cut -c1-400 >&2; }
  done
  exit 1
}

STARTED=()
# wait_for <daemon> <what> <command...>: poll until the command succeeds; fail with the logs of the
# first daemon that died meanwhile, or of <daemon> at the timeout.
wait_for() {
  local name="$1" what="$2" d; shift 2
  while ! "$@" >/dev/null 2>&1; do
    for d in "${STARTED[@]}"; do
      alive "$d" || fail "$d" "$d exited while waiting for $what"
    done
    (( SECONDS < deadline )) || fail "$name" "timed out waiting for $what"
    sleep 1
  done
}

ui_has_supervisor() {
  curl -fsS --max-time 5 "$STORM_UI/api/v1/cluster/summary" | grep -Eq '"supervisors":[1-9]'
}

SECONDS=0
deadline=$TIMEOUT
t0=$(date +%s.%N)

# A port held by something other than our daemon: say so now rather than time out later.
for pair in "zookeeper:$SQUALL_STORM_ZK_PORT:SQUALL_STORM_ZK_PORT" "nimbus:$SQUALL_STORM_NIMBUS_PORT:SQUALL_STORM_NIMBUS_PORT" \
            "ui:$SQUALL_STORM_UI_PORT:SQUALL_STORM_UI_PORT" "logviewer:$SQUALL_STORM_LOGVIEWER_PORT:SQUALL_STORM_LOGVIEWER_PORT"; do
  IFS=: read -r d p var <<<"$pair"
  if ! alive "$d" && port_open "$p"; then
    log "ERROR: port $p (for $d) is taken by another process; stop it or set $var"; exit 1
  fi
done
launch zookeeper 128m "$DAEMON_CP" org.apache.storm.command.DevZookeeper
wait_for zookeeper "ZooKeeper on 127.0.0.1:$SQUALL_STORM_ZK_PORT" port_open "$SQUALL_STORM_ZK_PORT"
launch nimbus 384m "$DAEMON_CP" org.apache.storm.daemon.nimbus.Nimbus
launch supervisor 256m "$DAEMON_CP" org.apache.storm.daemon.supervisor.Supervisor
launch ui 96m "$UI_CP" dev.squall.stormui.SquallStormUi ui
launch logviewer 64m "$UI_CP" dev.squall.stormui.SquallStormUi logviewer
wait_for nimbus "Nimbus Thrift on $STORM_NIMBUS" port_open "$SQUALL_STORM_NIMBUS_PORT"
wait_for logviewer "the logviewer on $STORM_LOGVIEWER" curl -fsS --max-time 5 "$STORM_LOGVIEWER/api/v1/list"
wait_for supervisor "a supervisor in $STORM_UI/api/v1/cluster/summary" ui_has_supervisor
for d in "${STARTED[@]}"; do alive "$d" || fail "$d" "$d exited"; done

log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s: nimbus $STORM_NIMBUS, ui $STORM_UI, logviewer $STORM_LOGVIEWER, zookeeper $STORM_ZOOKEEPER"
log "STORM_HOME=$SH run=$RUN (source $HERE/env.sh)"
