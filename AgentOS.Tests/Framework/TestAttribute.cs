namespace AgentOS.Tests.Framework;

/// <summary>Marks a test method: sync, <see cref="Task"/> or <see cref="ValueTask"/>, instance or static.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TestAttribute : Attribute
{
    /// <summary>The test fails (and the run moves on) when it has not finished after this many seconds.</summary>
    public int TimeoutSeconds { get; set; } = 60;
}
