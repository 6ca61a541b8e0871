#!/bin/sh
# Installs what `npm start` and `npm test` need on a fresh clone. Idempotent: each step is
# skipped when its result is already there, so running it on every start/test costs ~nothing.
#   sh scripts/setup.sh          node_modules (with the pinned Node runtime)
#   sh scripts/setup.sh --test   plus the system packages the integration tests run for real
set -eu
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--test" ]; then
  # Debian packages the tests start on free loopback ports: command → package.
  missing=""
  for pair in $(cat scripts/test-packages.txt | grep -v '^#'); do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    echo "setup: installing Debian packages:$missing" >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "setup: need root (or sudo) to install:$missing" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi
