#!/usr/bin/env bash
# Installs the load generator of the API benchmark (wrk, from the Debian packages).
set -euo pipefail
if ! command -v wrk >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq wrk
fi
wrk --version 2>&1 | head -1 || true
