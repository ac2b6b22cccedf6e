#!/usr/bin/env bash
# Installs what the gateway and its tests need on a fresh Debian machine.
# Idempotent: run it again at any time. Used by the README and by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "setup: restoring NuGet packages"
dotnet restore LlmGateway.sln >/dev/null

# Embeddings: the ONNX Runtime 1.22.0 native library. No NuGet package of it is reachable here; the npm
# package onnxruntime-node@1.22.0 ships the official Linux x64 build, so take that one file from it.
ort_dir="$root/.tools/onnxruntime"
ort_lib="$ort_dir/libonnxruntime.so.1"
ort_sha256="08cf3bf4218f0e816c2a534e960d85221274cb319569bdf1136b29da7065b015"
if [ ! -f "$ort_lib" ] || ! echo "$ort_sha256  $ort_lib" | sha256sum --check --status; then
  echo "setup: fetching ONNX Runtime 1.22.0 (npm onnxruntime-node@1.22.0) into .tools/onnxruntime"
  ort_tmp="$(mktemp -d)"
  (cd "$ort_tmp" && npm pack onnxruntime-node@1.22.0 --silent >/dev/null)
  tar -xzf "$ort_tmp/onnxruntime-node-1.22.0.tgz" -C "$ort_tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  mkdir -p "$ort_dir"
  mv "$ort_tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$ort_lib"
  rm -rf "$ort_tmp"
  echo "$ort_sha256  $ort_lib" | sha256sum --check --status || { echo "setup: libonnxruntime.so.1 checksum mismatch" >&2; exit 1; }
fi

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

echo "setup: done"
