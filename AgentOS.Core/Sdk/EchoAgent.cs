namespace AgentOS.Sdk;

/// <summary>The smallest real agent: asks the LLM to answer its input and returns the answer. Every kernel registers
/// it as <c>echo</c>, so a fresh server can be tried at once.</summary>
public sealed class EchoAgent : Agent
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Planning.ChatAsync(input, withConversation: false, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
