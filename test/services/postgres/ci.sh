#!/usr/bin/env bash
# CI: install PostgreSQL from Debian when missing and start a throwaway cluster on loopback for the
# PostgreSQL sink tests, the pageviews example tests and the bench.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/start.sh"
