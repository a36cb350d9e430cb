#!/usr/bin/env bash
# The one entry point (build.ps1 has the same verbs). Release configuration throughout.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
usage: ./build.sh <verb> [args]
  build             build everything (Release, warnings are errors)
  test [filter]     run the self-tests; extra args pass through (--stress, --list, --filter TEXT,
                    --repeat N, --shuffle [SEED])
  bench [filter]    run the benchmarks; extra args pass through (--quick, --list)
  pack              leave the single AgentOS.Core.dll (+ xml docs, runtimeconfig.json) in artifacts/
  demo              run the main demo
  serve             start the kernel's HTTP server
  mcp               start the kernel's MCP server on stdio
USAGE
}

require_sdk() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "build.sh: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 from https://dot.net and retry." >&2
    exit 1
  fi
  local version major
  version="$(dotnet --version 2>/dev/null || true)"
  major="${version%%.*}"
  if ! [[ "$major" =~ ^[0-9]+$ ]] || (( major < 10 )); then
    echo "build.sh: AgentOS needs .NET SDK 10 or later; found '${version:-none}'. Install it from https://dot.net and retry." >&2
    exit 1
  fi
}

not_yet() {
  echo "build.sh: '$1' is not available yet: $2" >&2
  exit 3
}

verb="${1:-}"
[[ $# -gt 0 ]] && shift

case "$verb" in
  build)
    require_sdk
    dotnet build AgentOS.slnx -c Release -nologo "$@"
    ;;
  test)
    require_sdk
    if [[ $# -gt 0 && "$1" != -* ]]; then
      set -- --filter "$@"
    fi
    dotnet run --project AgentOS.Tests -c Release -- "$@"
    ;;
  bench)
    require_sdk
    dotnet run --project AgentOS.Bench -c Release -- "$@"
    ;;
  pack)
    require_sdk
    dotnet build AgentOS.Core/AgentOS.Core.csproj -c Release -nologo -t:PackSingleDll "$@"
    ;;
  demo)
    require_sdk
    dotnet run --project AgentOS.Core -c Release -- demo "$@"
    ;;
  serve)
    require_sdk
    dotnet run --project AgentOS.Core -c Release -- serve "$@"
    ;;
  mcp)
    require_sdk
    # stdout belongs to the protocol: the build's output goes to stderr, then the built DLL runs (as MCP clients
    # launch it), never `dotnet run`, whose own messages would land on stdout.
    dotnet build AgentOS.Core/AgentOS.Core.csproj -c Release -nologo -v q >&2
    exec dotnet AgentOS.Core/bin/Release/net10.0/AgentOS.Core.dll mcp "$@"
    ;;
  ""|-h|--help|help)
    usage
    [[ -z "$verb" ]] && exit 2 || exit 0
    ;;
  *)
    echo "build.sh: unknown verb '$verb'" >&2
    usage >&2
    exit 2
    ;;
esac
