namespace AgentOS.Tests.Framework;

/// <summary>A failed assertion: the message, and expected/actual where the assertion compares values.</summary>
public sealed class AssertException(string message, string? expected = null, string? actual = null) : Exception(message)
{
    public string? Expected { get; } = expected;
    public string? Actual { get; } = actual;
}
