using System.Text.Json;
using AgentOS.Computer.Code;
using AgentOS.Tests.Computer.Documents;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Computer.Code;

/// <summary>
/// code.run registered against sessions that run UNISOLATED, directly in temp folders (<see cref="DirectSessionHost"/>):
/// these tests cover the tool's semantics; the sandbox branch's tests cover isolation.
/// </summary>
internal sealed class CodeFixture : IAsyncDisposable
{
    public readonly TempDirectory Workspace = new("agentos-code");
    public readonly TempDirectory Other = new("agentos-code-other");
    public readonly ToolRegistry Tools = new();
    public readonly CodeInterpreterPool Pool;
    private readonly DirectSessionHost _s1;
    private readonly DirectSessionHost _s2;

    /// <param name="options">The tool's options.</param>
    /// <param name="sandbox">When set, wraps each session's commands in a sandbox (given the workspace; the sandbox
    /// sees it as <c>/workspace</c>).</param>
    /// <param name="time">The clock the tool runs on (the system's when null).</param>
    public CodeFixture(CodeToolOptions? options = null, Func<string, Func<IReadOnlyList<string>, string, IReadOnlyList<string>>>? sandbox = null, TimeProvider? time = null)
    {
        Skip.If(!OperatingSystem.IsLinux(), "the code tool's file tracking and drivers run on Linux here");
        _s1 = Host(Workspace.Path, "s1", sandbox);
        _s2 = Host(Other.Path, "s2", sandbox);
        Pool = CodeTools.Register(Tools, (caller, id) => id == "s2" && caller.AgentId == "alice" ? _s2 : _s1.Resolver(caller, id), time, options);
    }

    private static DirectSessionHost Host(string workspace, string id, Func<string, Func<IReadOnlyList<string>, string, IReadOnlyList<string>>>? sandbox) =>
        sandbox is null
            ? new DirectSessionHost(workspace, id, "alice")
            : new DirectSessionHost(workspace, id, "alice") { Wrap = sandbox(workspace), WorkspaceSandboxPath = "/workspace" };

    public async Task<JsonElement> Run(string language, string code, int? timeoutMs = null, string session = "s1")
    {
        var output = await Call(language, code, timeoutMs, session);
        Assert.False(output.IsError, output.Text);
        return output.Structured!.Value;
    }

    public Task<ToolOutput> Call(string language, string code, int? timeoutMs = null, string session = "s1", string agent = "alice") =>
        Tools.CallAsync("code.run", timeoutMs is { } ms
            ? new { SessionId = session, Language = language, Code = code, TimeoutMs = ms }
            : new { SessionId = session, Language = language, Code = code }, agent);

    public async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
        Workspace.Dispose();
        Other.Dispose();
    }
}

internal static class CodeResultExtensions
{
    public static string? Str(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Flag(this JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static string ErrorType(this JsonElement e) => e.TryGetProperty("error", out var err) ? err.Str("type")! : "(no error)";

    public static List<(string Path, string Change, long? Size)> Files(this JsonElement e) =>
        [.. e.GetProperty("files").EnumerateArray().Select(f => (f.Str("path")!, f.Str("change")!, f.TryGetProperty("size", out var s) ? s.GetInt64() : (long?)null))];
}
