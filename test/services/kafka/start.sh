#!/usr/bin/env bash
# Start squall's single-node Kafka broker on loopback, in KRaft mode (broker + controller in one JVM, no
# ZooKeeper; Storm's test ZooKeeper keeps 127.0.0.1:2181). Installs first (cached). Formats the storage
# once. Idempotent: a running broker is left alone. Waits until the broker answers on its port and its
# log says it started; on failure prints the log's tail.
# Env: SQUALL_CACHE, SQUALL_KAFKA_RUN (data, logs, pid), SQUALL_KAFKA_PORT (9092),
#      SQUALL_KAFKA_CONTROLLER_PORT (9093), SQUALL_KAFKA_START_TIMEOUT (s, 90), SQUALL_KAFKA_HEAP (384m).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[kafka] $*" >&2; }
KH="$("$HERE/install.sh" | tail -1)"
RUN="$SQUALL_KAFKA_RUN"
TIMEOUT="${SQUALL_KAFKA_START_TIMEOUT:-90}"
mkdir -p "$RUN/logs" "$RUN/data"
PIDF="$RUN/kafka.pid"

alive() { [[ -f "$PIDF" ]] && pid="$(cat "$PIDF")" && [[ -n "$pid" && -d "/proc/$pid" ]] && grep -qa -- "-Dsquall.kafka.run=$RUN" "/proc/$pid/cmdline" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
fail() {
  log "ERROR: $*. Tail of the broker's logs:"
  for f in "$RUN/logs/server.log" "$RUN/logs/kafka.out"; do
    [[ -s "$f" ]] && { echo "----- $f" >&2; tail -n 40 "$f" | cut -c1-400 >&2; }
  done
  exit 1
}

if alive; then
  if port_open "$SQUALL_KAFKA_PORT"; then
    log "already running (pid $(cat "$PIDF")) on $KAFKA_BROKERS"
    exit 0
  fi
  # Stopped with kill -STOP? Then the port may still accept; otherwise it is starting: wait below.
fi

CONF="$RUN/server.properties"
cat >"$CONF.new" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$SQUALL_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$SQUALL_KAFKA_PORT,CONTROLLER://127.0.0.1:$SQUALL_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$SQUALL_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
log.retention.hours=24
log.segment.bytes=67108864
PROPS
mv "$CONF.new" "$CONF"

CP="$KH/libs/*"
JAVA_OPTS=(-Xmx"${SQUALL_KAFKA_HEAP:-384m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true
  -Dlog4j.configuration="file:$KH/config/log4j.properties" -Dkafka.logs.dir="$RUN/logs" -Dsquall.kafka.run="$RUN")

if [[ ! -f "$RUN/data/meta.properties" ]]; then
  log "formatting storage in $RUN/data"
  java "${JAVA_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool format -t "squall-test-cluster-0001" -c "$CONF" \
    >"$RUN/logs/format.out" 2>&1 || { cat "$RUN/logs/format.out" >&2; fail "formatting the storage failed"; }
fi

if ! alive; then
  if port_open "$SQUALL_KAFKA_PORT"; then
    log "ERROR: port $SQUALL_KAFKA_PORT is taken by another process; stop it or set SQUALL_KAFKA_PORT"; exit 1
  fi
  log "starting the broker on $KAFKA_BROKERS (controller 127.0.0.1:$SQUALL_KAFKA_CONTROLLER_PORT)"
  : >"$RUN/logs/server.log"
  # setsid: the broker leaves our process group and outlives this script.
  setsid java -server "${JAVA_OPTS[@]}" -cp "$CP" kafka.Kafka "$CONF" >"$RUN/logs/kafka.out" 2>&1 </dev/null &
  echo $! >"$PIDF"
fi

SECONDS=0
t0=$(date +%s.%N)
until port_open "$SQUALL_KAFKA_PORT" && grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "$RUN/logs/server.log" 2>/dev/null; do
  alive || fail "the broker exited"
  (( SECONDS < TIMEOUT )) || fail "timed out after ${TIMEOUT}s waiting for the broker"
  sleep 0.5
done
log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s: KAFKA_BROKERS=$KAFKA_BROKERS (pid $(cat "$PIDF"), logs $RUN/logs)"
