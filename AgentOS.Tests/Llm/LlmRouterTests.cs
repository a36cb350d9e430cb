using AgentOS.Llm;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Llm;

/// <summary>Routing LLM queries by backend name, model and capability, and failing over when a backend is marked down.</summary>
public sealed class LlmRouterTests
{
    private static readonly LlmCapabilities Full = new() { ChatTemplate = true, ToolCalls = true, JsonOutput = true, Embeddings = true, Streaming = true };

    private readonly ModelBackend _local = new("local", ["llama3"]);
    private readonly ModelBackend _primary = new("primary", ["gpt-4o", "gpt-4o-mini"], Full);
    private readonly ModelBackend _secondary = new("secondary", ["gpt-4o"], Full);
    private readonly LlmRouter _router;

    public LlmRouterTests() => _router = new LlmRouter([_local, _primary, _secondary]);

    private static LlmQuery Query(string? backend = null, bool tools = false, bool json = false) => new()
    {
        Messages = [ChatMessage.User("hi")],
        Backend = backend,
        JsonOutput = json,
        Tools = tools ? [new ToolSpec("t", "a tool", System.Text.Json.JsonDocument.Parse("{}").RootElement)] : null,
    };

    [Test]
    public void AQueryGoesToTheBackendOrModelItNamesElseTheDefault()
    {
        Assert.Equal(_local, _router.Route(Query()));
        Assert.Equal(_secondary, _router.Route(Query("secondary")));
        Assert.Equal(_primary, _router.Route(Query("gpt-4o")), "the first backend that lists the model");
        Assert.Equal(_primary, _router.Route(Query("gpt-4o-mini")));
        var unknown = Assert.Throws<InvalidRequestException>(() => _router.Route(Query("claude")));
        Assert.Contains("primary (gpt-4o, gpt-4o-mini)", unknown.Message);
    }

    [Test]
    public void AQueryNeedingToolsOrJsonSkipsBackendsThatDoNotDeclareThem()
    {
        Assert.Equal(_primary, _router.Route(Query(tools: true)));
        Assert.Equal(_primary, _router.Route(Query(json: true)));
        var refused = Assert.Throws<CapabilityNotSupportedException>(() => _router.Route(Query("llama3", tools: true)));
        Assert.Contains("declares tool calls", refused.Message);
        Assert.Equal(_primary, _router.RouteEmbeddings());
        Assert.Equal(_secondary, _router.RouteEmbeddings("secondary"));
        Assert.Throws<CapabilityNotSupportedException>(() => _router.RouteEmbeddings("llama3"));
    }

    [Test]
    public void MarksAreKeptPerBackendWhateverTheOrderOfMarkingDownAndUp()
    {
        _router.MarkUp("primary"); // up already: nothing changes
        Assert.False(_router.IsDown("primary"));
        _router.MarkDown("primary", "first reason");
        _router.MarkDown("secondary", "second reason");
        _router.MarkDown("primary", "newer reason");
        Assert.True(_router.IsDown("primary"));
        Assert.True(_router.IsDown("secondary"));
        Assert.False(_router.IsDown("local"));
        var none = Assert.Throws<BackendFailedException>(() => _router.Route(Query("gpt-4o")));
        Assert.Contains("newer reason", none.Message);
        _router.MarkUp("primary");
        Assert.False(_router.IsDown("primary"));
        Assert.True(_router.IsDown("secondary"), "marking one backend up leaves the others down");
        Assert.Equal(_primary, _router.Route(Query("secondary")));
        _router.MarkUp("secondary");
        Assert.False(_router.IsDown("secondary"));
        Assert.Throws<InvalidRequestException>(() => _router.MarkUp("nowhere"));
    }

    [Test]
    public void AMarkedDownBackendFailsOverToAnotherServingItsModelUntilMarkedUp()
    {
        _router.MarkDown("primary", "three 500s in a row");
        Assert.True(_router.IsDown("primary"));
        Assert.Equal(_secondary, _router.Route(Query("gpt-4o")));
        Assert.Equal(_secondary, _router.Route(Query("primary")), "named outright, it fails over to a backend sharing its models");
        Assert.Equal(_secondary, _router.Route(Query(tools: true)));
        var none = Assert.Throws<BackendFailedException>(() => _router.Route(Query("gpt-4o-mini")));
        Assert.Contains("three 500s in a row", none.Message);

        _router.MarkDown("local");
        Assert.Equal(_secondary, _router.Route(Query()), "the default is down: the next backend in order");
        _router.MarkUp("primary");
        _router.MarkUp("local");
        Assert.Equal(_primary, _router.Route(Query("gpt-4o")));
        Assert.Equal(_local, _router.Route(Query()));
        Assert.Throws<InvalidRequestException>(() => _router.MarkDown("nope"));
    }

    [Test]
    public void FailoverGoesOnlyToBackendsTheAgentMayUse()
    {
        _router.MayUse = (agent, backend) => agent == "wide" || backend == "primary";
        _router.MarkDown("primary");
        Assert.Equal(_secondary, _router.Route(Query("gpt-4o"), "wide"));
        var stuck = Assert.Throws<BackendFailedException>(() => _router.Route(Query("gpt-4o"), "narrow"));
        Assert.Contains("no other backend the agent may use", stuck.Message);
        _router.MarkUp("primary");
        Assert.Equal(_primary, _router.Route(Query("gpt-4o"), "narrow"));
        // An agent allowed none of them gets the first qualifying one, and the access check then denies it.
        _router.MayUse = (_, _) => false;
        Assert.Equal(_primary, _router.Route(Query("gpt-4o"), "nobody"));
    }

    [Test]
    public void BadConfigurationsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => _ = new LlmRouter([]));
        Assert.Throws<ArgumentException>(() => _ = new LlmRouter([_local, new ModelBackend("local", [])]));
        var ex = Assert.Throws<ArgumentException>(() => _ = new LlmRouter([_local], new Dictionary<string, LlmRateLimits> { ["ghost"] = new() }));
        Assert.Contains("ghost", ex.Message);
    }
}
