#!/usr/bin/env bash
# CI: install Kafka from Maven Central (cached) and start a single KRaft broker on loopback for the
# Kafka spout/sink tests, the pageviews example tests and the bench.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "[kafka] java and mvn are required (apt-get install openjdk-17-jdk-headless maven)" >&2
  exit 1
fi
"$HERE/start.sh"
