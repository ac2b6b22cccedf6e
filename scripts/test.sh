#!/usr/bin/env bash
# The README's test command: installs what the tests need (idempotent), builds everything, runs all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dotnet build LlmGateway.sln -c Release
dotnet test tests/LlmGateway.Tests.csproj -c Release --no-build --logger "console;verbosity=normal" "$@"
