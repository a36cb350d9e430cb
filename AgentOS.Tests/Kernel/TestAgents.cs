using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tests.Kernel;

/// <summary>An agent that uses all four modules and reports what it saw, line by line.</summary>
public sealed class TourAgent : Agent
{
    public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        lines.Add("chat: " + await context.Planning.ChatAsync(input, cancellationToken: cancellationToken));
        var id = await context.Memory.AddAsync("the sky is blue", ["fact"], cancellationToken: cancellationToken);
        await context.Memory.AddAsync("grass is green", cancellationToken: cancellationToken);
        var found = await context.Memory.SearchAsync("sky", cancellationToken: cancellationToken);
        lines.Add($"memory: {found.Count} {found[0].Content} {(found[0].Id == id ? "same-id" : "other-id")}");
        var path = context.Storage.Own("notes.txt");
        int v1 = await context.Storage.WriteTextAsync(path, "first", cancellationToken: cancellationToken);
        int v2 = await context.Storage.WriteTextAsync(path, "second", cancellationToken: cancellationToken);
        int v3 = await context.Storage.RollbackAsync(path, v1, cancellationToken: cancellationToken);
        var text = await context.Storage.ReadTextAsync(path, cancellationToken: cancellationToken);
        var versions = await context.Storage.VersionsAsync(path, cancellationToken: cancellationToken);
        lines.Add($"storage: v{v1} v{v2} v{v3} '{text}' {versions.Count} versions");
        var tool = await context.Action.CallAsync("math.add", """{"a": 2, "b": 40}""", cancellationToken: cancellationToken);
        lines.Add($"tool: {tool.Output}");
        lines.Add($"conversation: {context.Memory.Conversation.Count}");
        return string.Join("\n", lines);
    }
}

/// <summary>Queries the tests reuse.</summary>
public static class TestQueries
{
    public static LlmQuery Hello => new() { Messages = [ChatMessage.User("hello")] };
}

/// <summary>Counts its runs and remembers every input: state that must survive a kernel restart.</summary>
public sealed class CountingAgent : Agent, ICheckpointable
{
    private int _runs;
    private List<string> _inputs = [];

    public override Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
    {
        _runs++;
        _inputs.Add(input);
        return Task.FromResult($"run {_runs}: {string.Join(",", _inputs)}");
    }

    public byte[] SaveState() => System.Text.Encoding.UTF8.GetBytes(_runs + "\n" + string.Join("\n", _inputs));

    public void LoadState(ReadOnlySpan<byte> state)
    {
        var lines = System.Text.Encoding.UTF8.GetString(state).Split('\n');
        _runs = int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture);
        _inputs = [.. lines.Skip(1)];
    }
}
