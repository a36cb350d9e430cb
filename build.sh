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
  report            run the comparison suite and write docs/report/ (--quick, --out DIR, --sections a,b)
  pack              leave the single AgentOS.Core.dll (+ xml docs, runtimeconfig.json) in artifacts/
  demo              run the main demo
  serve             start the kernel's HTTP server
  mcp               start the kernel's MCP server on stdio
  paper             build the paper (artifacts/paper/paper.html and .pdf) from docs/report/results.json
                    (run `report` first); --check also checks the PDF's text, --report DIR, --out DIR
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

# Builds a project before running it, saying so: `dotnet run` alone is silent while it compiles, which on a first run
# takes about a minute. On a terminal the build shows its live progress; elsewhere it prints only errors. Everything goes
# to stderr, so a verb's stdout stays its own (the MCP server speaks on stdout).
build_first() {
  echo "building $1 (the first run takes about a minute)..." >&2
  dotnet build "$1" -c Release -nologo -v q -tl:auto -clp:NoSummary >&2
}

# Builds, then runs PROJECT with the remaining arguments.
build_and_run() {
  local project="$1"
  shift
  build_first "$project"
  dotnet run --project "$project" -c Release --no-build -- "$@"
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
    build_and_run AgentOS.Tests "$@"
    ;;
  bench)
    require_sdk
    build_and_run AgentOS.Bench "$@"
    ;;
  report)
    require_sdk
    build_and_run AgentOS.Bench report "$@"
    ;;
  pack)
    require_sdk
    dotnet build AgentOS.Core/AgentOS.Core.csproj -c Release -nologo -t:PackSingleDll "$@"
    ;;
  demo)
    require_sdk
    build_and_run AgentOS.Core demo "$@"
    ;;
  serve)
    require_sdk
    build_and_run AgentOS.Core serve "$@"
    ;;
  mcp)
    require_sdk
    # stdout belongs to the protocol: build_first writes only to stderr, then the built DLL runs (as MCP clients
    # launch it), never `dotnet run`, whose own messages would land on stdout.
    build_first AgentOS.Core
    exec dotnet AgentOS.Core/bin/Release/net10.0/AgentOS.Core.dll mcp "$@"
    ;;
  paper)
    require_sdk
    build_and_run AgentOS.Bench paper "$@"
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
