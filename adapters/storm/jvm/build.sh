#!/usr/bin/env bash
# Build the shaded squall-storm-multilang jar (dev.squall.storm.MsgpackSerializer + relocated msgpack-core)
# and cache it at ${SQUALL_CACHE:-$HOME/.cache/squall}/jvm/squall-storm-multilang.jar, keyed by a hash of
# the sources: an unchanged tree costs nothing. Prints the jar's path on the last line of stdout.
# Maven runs offline first (warm ~/.m2) and goes to Maven Central only when that fails.
# Env: SQUALL_JVM_SKIP_TESTS=1 skips the JUnit tests.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SQUALL_CACHE:-$HOME/.cache/squall}"
OUT_DIR="$CACHE/jvm"
JAR="$OUT_DIR/squall-storm-multilang.jar"
log() { echo "[jvm] $*" >&2; }

hash="$(cd "$HERE" && find pom.xml build.sh src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [[ -f "$JAR" && -f "$JAR.sha" && "$(cat "$JAR.sha")" == "$hash" ]]; then
  log "cached ($hash): $JAR"
  echo "$JAR"
  exit 0
fi

command -v mvn >/dev/null || { log "mvn not found (apt-get install maven)"; exit 1; }
args=(-B -q package)
[[ "${SQUALL_JVM_SKIP_TESTS:-}" == 1 ]] && args+=(-DskipTests)
log "building ($hash)"
logf="$(mktemp)"
trap 'rm -f "$logf"' EXIT
if ! (cd "$HERE" && mvn -o "${args[@]}" >"$logf" 2>&1); then
  if grep -qE 'offline mode|has not been downloaded|Cannot access' "$logf"; then
    log "offline build lacks artifacts; resolving from Maven Central"
    (cd "$HERE" && mvn "${args[@]}" >"$logf" 2>&1) || { tail -60 "$logf" >&2; log "build failed"; exit 1; }
  else
    tail -60 "$logf" >&2; log "build failed"; exit 1
  fi
fi
built="$HERE/target/squall-storm-multilang-0.1.0.jar"
[[ -f "$built" ]] || { log "no jar at $built"; exit 1; }
mkdir -p "$OUT_DIR"
cp "$built" "$JAR.tmp" && mv "$JAR.tmp" "$JAR"
echo "$hash" >"$JAR.sha"
log "built: $JAR ($(du -h "$JAR" | cut -f1))"
echo "$JAR"
