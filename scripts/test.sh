#!/usr/bin/env bash
# The README's test command: builds everything and runs all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build LlmGateway.sln -c Release
dotnet test tests/LlmGateway.Tests.csproj -c Release --no-build --logger "console;verbosity=normal"
