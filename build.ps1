#!/usr/bin/env pwsh
# The one entry point on Windows (build.sh has the same verbs). Release configuration throughout.
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

$verb = if ($args.Count -gt 0) { [string]$args[0] } else { '' }
$rest = if ($args.Count -gt 1) { @($args[1..($args.Count - 1)]) } else { @() }

function Show-Usage {
    @'
usage: ./build.ps1 <verb> [args]
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
'@
}

function Assert-Sdk {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        [Console]::Error.WriteLine('build.ps1: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 from https://dot.net and retry.')
        exit 1
    }
    $version = (& dotnet --version 2>$null) | Select-Object -First 1
    $major = 0
    if (-not [int]::TryParse(([string]$version).Split('.')[0], [ref]$major) -or $major -lt 10) {
        [Console]::Error.WriteLine("build.ps1: AgentOS needs .NET SDK 10 or later; found '$version'. Install it from https://dot.net and retry.")
        exit 1
    }
}

function Invoke-Dotnet([string[]]$arguments) {
    & dotnet @arguments
    exit $LASTEXITCODE
}

# Builds a project before running it, saying so: `dotnet run` alone is silent while it compiles, which on a first run
# takes about a minute. On a terminal the build shows its live progress; elsewhere it prints only errors, to stderr.
function Invoke-BuildFirst([string]$project) {
    [Console]::Error.WriteLine("building $project (the first run takes about a minute)...")
    & dotnet build $project -c Release -nologo -v q -tl:auto -clp:NoSummary 2>&1 | ForEach-Object { [Console]::Error.WriteLine($_) }
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-BuildAndRun([string]$project, [string[]]$arguments) {
    Invoke-BuildFirst $project
    Invoke-Dotnet (@('run', '--project', $project, '-c', 'Release', '--no-build', '--') + $arguments)
}

switch ($verb) {
    'build' { Assert-Sdk; Invoke-Dotnet (@('build', 'AgentOS.slnx', '-c', 'Release', '-nologo') + $rest) }
    'test' {
        Assert-Sdk
        if ($rest.Count -gt 0 -and -not ([string]$rest[0]).StartsWith('-')) { $rest = @('--filter') + $rest }
        Invoke-BuildAndRun 'AgentOS.Tests' $rest
    }
    'bench' { Assert-Sdk; Invoke-BuildAndRun 'AgentOS.Bench' $rest }
    'report' { Assert-Sdk; Invoke-BuildAndRun 'AgentOS.Bench' (@('report') + @($rest)) }
    'pack' { Assert-Sdk; Invoke-Dotnet (@('build', 'AgentOS.Core/AgentOS.Core.csproj', '-c', 'Release', '-nologo', '-t:PackSingleDll') + $rest) }
    'demo' { Assert-Sdk; Invoke-BuildAndRun 'AgentOS.Core' (@('demo') + $rest) }
    'serve' { Assert-Sdk; Invoke-BuildAndRun 'AgentOS.Core' (@('serve') + $rest) }
    'mcp' {
        # stdout belongs to the protocol: the build says what it does on stderr, then the built DLL runs (as MCP
        # clients launch it), never `dotnet run`, whose own messages would land on stdout.
        Assert-Sdk
        Invoke-BuildFirst 'AgentOS.Core'
        & dotnet AgentOS.Core/bin/Release/net10.0/AgentOS.Core.dll mcp @rest
        exit $LASTEXITCODE
    }
    'paper' { Assert-Sdk; Invoke-BuildAndRun 'AgentOS.Bench' (@('paper') + $rest) }
    { $_ -in @('help', '-h', '--help') } { Show-Usage; exit 0 }
    '' { [Console]::Error.WriteLine((Show-Usage)); exit 2 }
    default { [Console]::Error.WriteLine("build.ps1: unknown verb '$verb'"); [Console]::Error.WriteLine((Show-Usage)); exit 2 }
}
