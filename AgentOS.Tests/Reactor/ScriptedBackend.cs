using AgentOS.Llm;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tests.Reactor;

/// <summary>A backend whose every call is scripted: <see cref="Script"/> gets the call's number (1, 2, ...) and throws
/// the failure that call should see, or returns normally for an answer naming the backend.</summary>
internal sealed class ScriptedBackend(string name, string[] models, int slots = 1) : ILlmBackend
{
    private int _calls;

    public string Name { get; } = name;
    public int Slots { get; } = slots;
    public LlmCapabilities Capabilities { get; } = new() { ChatTemplate = true };
    public IReadOnlyList<string> Models { get; } = models;

    /// <summary>Called with each call's number before it answers; throw to fail the call.</summary>
    public Action<int> Script { get; set; } = _ => { };

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        Script(Interlocked.Increment(ref _calls));
        return ValueTask.FromResult(new LlmResponse { Content = Name, PromptTokens = 1, CompletionTokens = 1, Backend = Name });
    }
}
