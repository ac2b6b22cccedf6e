#!/usr/bin/env bash
# Installs what the benchmarks' peers need (not needed by the tests): nginx, the reverse proxy the
# proxy bench measures the gateway against.
set -euo pipefail
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "setup-bench: installing nginx (Debian package)"
  as_root=(); if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq nginx >/dev/null
fi
echo "setup-bench: done"
