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

echo "setup: done"
