using System.Text.Json.Serialization;
using AgentOS.Events;

namespace AgentOS.Tests.Events;

/// <summary>A hot-path style event: a struct, tagged with its publisher and its place in that publisher's order.</summary>
public readonly record struct Ping(int Publisher, long Sequence, string Agent);

/// <summary>A class event, to cover reference types end to end.</summary>
public sealed record Pong(int Publisher, long Sequence, string Note, double Cost);

/// <summary>An event type nobody registers.</summary>
public readonly record struct Unregistered(int Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(Pong))]
[JsonSerializable(typeof(Unregistered))]
internal sealed partial class TestEventsJsonContext : JsonSerializerContext;

public static class TestBus
{
    public const string PingName = "tests.ping";
    public const string PongName = "tests.pong";

    /// <summary>A registry with <see cref="Ping"/> and <see cref="Pong"/>.</summary>
    public static EventTypes Types()
    {
        var types = new EventTypes();
        types.Register(PingName, TestEventsJsonContext.Default.Ping);
        types.Register(PongName, TestEventsJsonContext.Default.Pong);
        return types;
    }

    public static EventBus Create() => new(Types());

    /// <summary>Agent names made up front, so publishing loops allocate nothing of their own.</summary>
    public static string[] AgentNames(int publishers) => [.. Enumerable.Range(0, publishers).Select(p => $"agent-{p}")];
}
