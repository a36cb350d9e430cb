using AgentOS.Llm;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tests.Llm;

/// <summary>A backend for routing tests: it serves named models with declared capabilities, answers with its own
/// name, and can hold each call until released, so a test sees how many run at once.</summary>
internal sealed class ModelBackend(string name, string[] models, LlmCapabilities? capabilities = null, int slots = 1) : ILlmBackend
{
    private int _running;
    private int _maxRunning;

    public string Name { get; } = name;
    public int Slots { get; } = slots;
    public LlmCapabilities Capabilities { get; } = capabilities ?? new() { ChatTemplate = true };
    public IReadOnlyList<string> Models { get; } = models;

    /// <summary>When set, every call waits for it.</summary>
    public TaskCompletionSource? Release { get; set; }

    public int Calls;
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        int now = Interlocked.Increment(ref _running);
        int max;
        while (now > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, max) != max)
        {
        }
        try
        {
            if (Release is { } release)
            {
                await release.Task.WaitAsync(cancellationToken);
            }
            return new LlmResponse { Content = Name, PromptTokens = 1, CompletionTokens = 1, Backend = Name };
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
