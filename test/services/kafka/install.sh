#!/usr/bin/env bash
# Assemble a KAFKA_HOME for Apache Kafka (broker, KRaft mode) from Maven Central only: the
# org.apache.kafka:kafka_2.13 jar and its runtime dependencies, resolved by Maven from a generated pom,
# plus slf4j-reload4j so the broker logs to a file. Idempotent and cached:
#   ${SQUALL_CACHE:-$HOME/.cache/squall}/kafka-<ver>
# Prints the KAFKA_HOME path on the last line of stdout.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
log() { echo "[kafka] $*" >&2; }
VER="$SQUALL_KAFKA_VERSION"
KH="$KAFKA_HOME"
LAYOUT=1
stamp="$VER-layout$LAYOUT"

if [[ -f "$KH/.installed" && "$(cat "$KH/.installed")" == "$stamp" ]]; then
  log "cached: $KH"
  echo "$KH"
  exit 0
fi
command -v java >/dev/null || { log "java not found (apt-get install openjdk-17-jdk-headless)"; exit 1; }
command -v mvn >/dev/null || { log "mvn not found (apt-get install maven)"; exit 1; }
log "assembling Kafka $VER in $KH (Maven Central)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>dev.squall.tmp</groupId><artifactId>kafka-home</artifactId><version>0</version><packaging>pom</packaging>
<dependencies>
<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VER</version></dependency>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
</dependencies></project>
POM
mkdir -p "$KH"
rm -rf "$KH/libs.tmp"
# Offline first (a warm ~/.m2), then the network.
if ! (cd "$tmp" && mvn -q -o -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KH/libs.tmp" >"$tmp/mvn.log" 2>&1); then
  rm -rf "$KH/libs.tmp"
  (cd "$tmp" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KH/libs.tmp" >"$tmp/mvn.log" 2>&1) || {
    log "maven failed:"; tail -30 "$tmp/mvn.log" >&2; exit 1; }
fi
rm -rf "$KH/libs"; mv "$KH/libs.tmp" "$KH/libs"
log "  libs/: $(ls "$KH/libs" | wc -l) jars"
mkdir -p "$KH/config"
cat >"$KH/config/log4j.properties" <<'LOG'
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=INFO
LOG
echo "$stamp" >"$KH/.installed"
log "installed: $KH"
echo "$KH"
