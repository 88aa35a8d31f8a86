#!/usr/bin/env bash
# CI: install Storm from Maven Central, build squall's JVM multilang jar (its JUnit tests run in the
# build), and start a real cluster on loopback for the Storm deployment tests.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "[storm] java and mvn are required (apt-get install openjdk-17-jdk-headless maven)" >&2
  exit 1
fi
SQUALL_JVM_SKIP_TESTS= "$ROOT/adapters/storm/jvm/build.sh"
"$HERE/start.sh"
