#!/usr/bin/env bash
# Installs what the benchmarks need (not needed by the tests): Debian nginx (the fixed upstream and the
# reverse-proxy peer), wrk and hey (load generators), and the Portkey gateway from npm, pinned, into
# bench/peers/portkey (never globally), and dotnet-counters into bench/peers/tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
packages=()
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then packages+=(nginx-light); fi
if ! command -v wrk >/dev/null 2>&1; then packages+=(wrk); fi
if ! command -v hey >/dev/null 2>&1; then packages+=(hey); fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "setup-bench: installing ${packages[*]} (Debian packages)"
  as_root=(); if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# The peer gateway. Its stock install fails on streaming (TypeError: immutable, from @hono/node-server
# 1.14+); the override pins the version it was built against.
portkey="$root/bench/peers/portkey"
if [ ! -f "$portkey/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
  echo "setup-bench: installing @portkey-ai/gateway 1.15.2 (npm) into bench/peers/portkey"
  (cd "$portkey" && npm install --silent --no-audit --no-fund >/dev/null)
fi
# dotnet-counters (NuGet tool) for the soak scenario's GC heap figures; into bench/peers/tools, never globally.
tools="$root/bench/peers/tools"
if [ ! -x "$tools/dotnet-counters" ]; then
  echo "setup-bench: installing dotnet-counters 10.0.750501 (NuGet tool) into bench/peers/tools"
  dotnet tool install dotnet-counters --version 10.0.750501 --tool-path "$tools" >/dev/null
fi
echo "setup-bench: done"
