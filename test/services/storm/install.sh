#!/usr/bin/env bash
# Assemble a STORM_HOME for Apache Storm 2.8.x from Maven Central only (no binary tarball is published
# there: org.apache.storm:final-package and storm-webapp are not served; 2.8.3 is the newest 2.8.x whose
# parent pom org.apache.storm:storm is served, 2.8.4 lacks it). Idempotent and cached:
#   ${SQUALL_CACHE:-$HOME/.cache/squall}/storm-<ver>
# Layout: lib/ (daemons: storm-core + storm-server + storm-client and deps), lib-worker/ (storm-client and
# deps, the worker classpath), flux/ (flux-core + flux-wrappers, for `java -cp ... org.apache.storm.flux.Flux`),
# multilang/ (storm.js, storm.py from org.apache.storm:multilang-{javascript,python}), log4j2/, conf/,
# squall-ui/ (our compiled stand-in for the UI REST + logviewer; see ui/SquallStormUi.java).
# Prints the STORM_HOME path on the last line of stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VER="${SQUALL_STORM_VERSION:-2.8.3}"
CACHE="${SQUALL_CACHE:-$HOME/.cache/squall}"
SH="$CACHE/storm-$VER"
RUN="${SQUALL_STORM_RUN:-$CACHE/run}"
UI_PORT="${SQUALL_STORM_UI_PORT:-8080}"
LOGVIEWER_PORT="${SQUALL_STORM_LOGVIEWER_PORT:-8000}"
NIMBUS_PORT="${SQUALL_STORM_NIMBUS_PORT:-6627}"
ZK_PORT="${SQUALL_STORM_ZK_PORT:-2181}"

log() { echo "[storm] $*" >&2; }

# Three stages, each cached on its own: the jars (keyed by version and JARS_LAYOUT, bump it when the
# artifact lists below change), the config files (rewritten only when their text changes, so running
# daemons keep their files), and the compiled UI stand-in (keyed by its source's hash).
JARS_LAYOUT=1
jar_stamp="$VER-layout$JARS_LAYOUT"

command -v java >/dev/null || { log "java not found"; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# put_file <path>: write stdin to <path> only if the content differs (atomic replace)
put_file() {
  local f="$1"
  cat >"$tmp/put"
  if [[ -f "$f" ]] && cmp -s "$tmp/put" "$f"; then return 0; fi
  mkdir -p "$(dirname "$f")"
  mv "$tmp/put" "$f.new" && mv "$f.new" "$f"
  log "  wrote ${f#$SH/}"
}

# copy_deps <dir> <artifact>... : resolve the artifacts and their runtime deps from Maven Central into <dir>
copy_deps() {
  local out="$1"; shift
  local proj="$tmp/$(basename "$out")"
  mkdir -p "$proj"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo '<groupId>dev.squall.tmp</groupId><artifactId>storm-home</artifactId><version>0</version>'
    echo '<packaging>pom</packaging><dependencies>'
    local a
    for a in "$@"; do
      # g:a:v[!eg:ea[!eg:ea...]]  ("!" adds an exclusion)
      IFS='!' read -r -a parts <<<"$a"
      IFS=: read -r g n v <<<"${parts[0]}"
      echo "<dependency><groupId>$g</groupId><artifactId>$n</artifactId><version>$v</version><exclusions>"
      local e
      for e in "${parts[@]:1}"; do
        echo "<exclusion><groupId>${e%%:*}</groupId><artifactId>${e#*:}</artifactId></exclusion>"
      done
      echo "</exclusions></dependency>"
    done
    echo '</dependencies></project>'
  } >"$proj/pom.xml"
  rm -rf "$out.tmp"
  # Try offline first (warm ~/.m2), fall back to the network.
  if ! (cd "$proj" && mvn -q -o -B dependency:copy-dependencies -DincludeScope=runtime \
          -DoutputDirectory="$out.tmp" >"$proj/mvn.log" 2>&1); then
    rm -rf "$out.tmp"
    (cd "$proj" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime \
          -DoutputDirectory="$out.tmp" >"$proj/mvn.log" 2>&1) || {
      log "maven failed for $*:"; tail -30 "$proj/mvn.log" >&2; exit 1; }
  fi
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "  $(basename "$out")/: $(ls "$out" | wc -l) jars"
}

# copy_jars <dir> <artifact>... : copy single artifacts (no transitive resolution) into <dir>
copy_jars() {
  local out="$1"; shift
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  local a
  for a in "$@"; do
    (cd "$tmp" && { mvn -q -o -B dependency:copy -Dartifact="$a" -Dmdep.transitive=false \
                       -DoutputDirectory="$out.tmp" >"$tmp/copy.log" 2>&1 ||
                    mvn -q -B dependency:copy -Dartifact="$a" -Dmdep.transitive=false \
                       -DoutputDirectory="$out.tmp" >"$tmp/copy.log" 2>&1; }) || {
      log "maven failed for $a:"; tail -30 "$tmp/copy.log" >&2; exit 1; }
  done
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "  ${out#$SH/}/: $(ls "$out" | tr '\n' ' ')"
}

if [[ -f "$SH/.jars" && "$(cat "$SH/.jars")" == "$jar_stamp" ]]; then
  log "jars cached: $SH"
else
command -v mvn >/dev/null || { log "mvn not found (apt-get install maven)"; exit 1; }
log "assembling Storm $VER home in $SH (Maven Central)"
mkdir -p "$SH"
rm -f "$SH/.jars" "$SH/.installed"
S=org.apache.storm
# storm-core is wanted for DevZookeeper only; its storm-clojure dependency pulls carbonite from Clojars,
# which is not reachable, so it is excluded (nothing in the daemons we run needs Clojure).
copy_deps "$SH/lib" "$S:storm-core:$VER!$S:storm-clojure" "$S:storm-server:$VER" "$S:storm-client:$VER"
copy_deps "$SH/lib-worker" "$S:storm-client:$VER"
# flux-core (shaded: holds flux-wrappers, snakeyaml, and the multilang-{javascript,python,ruby} resources)
# and the multilang jars: their parent poms (org.apache.storm:flux, ...) are not served, so they are copied
# as single artifacts, without dependency resolution.
copy_jars "$SH/flux" "$S:flux-core:$VER"
copy_jars "$SH/multilang/jars" "$S:multilang-javascript:$VER" "$S:multilang-python:$VER"
rm -rf "$SH/multilang/resources"
mkdir -p "$SH/multilang"
for j in "$SH"/multilang/jars/multilang-*.jar; do
  (cd "$SH/multilang" && unzip -qo "$j" 'resources/*')
done
log "  multilang/resources: $(ls "$SH/multilang/resources" | tr '\n' ' ')"
echo "$VER" >"$SH/RELEASE"
echo "$jar_stamp" >"$SH/.jars"
fi

mkdir -p "$SH/log4j2" "$SH/conf" "$SH/extlib" "$SH/extlib-daemon" "$SH/bin"
put_file "$SH/log4j2/cluster.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!-- squall: daemon logging (written for squall; Storm ships no jar holding this file) -->
<Configuration shutdownHook="disable">
  <Appenders>
    <RollingFile name="file" fileName="${sys:storm.log.dir}/${sys:logfile.name}"
                 filePattern="${sys:storm.log.dir}/${sys:logfile.name}.%i.gz">
      <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSS} %c{1.} %t [%p] %msg%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.zookeeper" level="warn"/>
    <Logger name="org.apache.storm.shade.org.apache.zookeeper" level="warn"/>
    <Logger name="org.apache.storm.shade.org.apache.curator" level="warn"/>
    <Root level="info"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
XML
put_file "$SH/log4j2/worker.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!-- squall: worker logging. Workers get workers.artifacts, storm.id, worker.port, logfile.name. -->
<Configuration shutdownHook="disable">
  <Properties>
    <Property name="dir">${sys:workers.artifacts}/${sys:storm.id}/${sys:worker.port}</Property>
  </Properties>
  <Appenders>
    <RollingFile name="A1" fileName="${dir}/${sys:logfile.name}" filePattern="${dir}/${sys:logfile.name}.%i.gz">
      <PatternLayout charset="UTF-8" pattern="%d{yyyy-MM-dd HH:mm:ss.SSS} %c{1.} %t [%p] %msg%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
    <RollingFile name="STDOUT" fileName="${dir}/${sys:logfile.name}.out" filePattern="${dir}/${sys:logfile.name}.out.%i.gz">
      <PatternLayout pattern="%msg%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50 MB"/></Policies>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
    <RollingFile name="STDERR" fileName="${dir}/${sys:logfile.name}.err" filePattern="${dir}/${sys:logfile.name}.err.%i.gz">
      <PatternLayout pattern="%msg%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50 MB"/></Policies>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.storm.shade.org.apache.zookeeper" level="warn"/>
    <Logger name="org.apache.storm.shade.org.apache.curator" level="warn"/>
    <Logger name="STDERR" level="info" additivity="false"><AppenderRef ref="STDERR"/></Logger>
    <Logger name="STDOUT" level="info" additivity="false"><AppenderRef ref="STDOUT"/></Logger>
    <Root level="info"><AppenderRef ref="A1"/></Root>
  </Loggers>
</Configuration>
XML

put_file "$SH/conf/storm.yaml" <<YAML
# squall: single-node loopback cluster (generated by test/services/storm/install.sh)
storm.zookeeper.servers: ["127.0.0.1"]
storm.zookeeper.port: $ZK_PORT
nimbus.seeds: ["127.0.0.1"]
nimbus.thrift.port: $NIMBUS_PORT
storm.local.hostname: "127.0.0.1"
storm.local.dir: "$RUN/data"
storm.log.dir: "$RUN/logs"
dev.zookeeper.path: "$RUN/zookeeper"
storm.metricstore.rocksdb.location: "$RUN/storm_rocks"
ui.host: "127.0.0.1"
ui.port: $UI_PORT
logviewer.port: $LOGVIEWER_PORT
supervisor.slots.ports: [6700, 6701, 6702, 6703]
# 2-core machine: small heaps, fast heartbeats so tests see workers quickly.
nimbus.childopts: "-Xmx256m"
supervisor.childopts: "-Xmx256m"
ui.childopts: "-Xmx128m"
logviewer.childopts: "-Xmx128m"
worker.childopts: "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
worker.heap.memory.mb: 512
nimbus.monitor.freq.secs: 2
supervisor.monitor.frequency.secs: 2
topology.worker.max.heap.size.mb: 768.0
# UI numbers (emitted/acked) reach Nimbus with executor heartbeats: every 60 s by default, 5 s here.
executor.metrics.frequency.secs: 5
YAML

# The UI/logviewer stand-in (storm-webapp is not published to Maven Central).
ui_stamp="$(sha256sum "$HERE/ui/SquallStormUi.java" | cut -c1-16)"
if [[ ! -f "$SH/squall-ui/.sha" || "$(cat "$SH/squall-ui/.sha")" != "$ui_stamp" ]]; then
  rm -rf "$SH/squall-ui.new"; mkdir -p "$SH/squall-ui.new/classes"
  javac -nowarn -d "$SH/squall-ui.new/classes" -cp "$SH/lib-worker/*" "$HERE/ui/SquallStormUi.java" 2>&1 |
    grep -v '^Note:' >&2 || true
  [[ -f "$SH/squall-ui.new/classes/dev/squall/stormui/SquallStormUi.class" ]] || { log "UI stand-in did not compile"; exit 1; }
  echo "$ui_stamp" >"$SH/squall-ui.new/.sha"
  rm -rf "$SH/squall-ui" && mv "$SH/squall-ui.new" "$SH/squall-ui"
  log "  compiled squall-ui/ (UI REST + logviewer stand-in)"
fi

log "ready: $SH ($(du -sh "$SH" | cut -f1))"
echo "$SH"
