#!/usr/bin/env bash
# Installs what the gateway and its tests need on a fresh Debian machine.
# Idempotent: run it again at any time. Used by the README and by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "setup: restoring NuGet packages"
dotnet restore LlmGateway.sln >/dev/null
echo "setup: done"
