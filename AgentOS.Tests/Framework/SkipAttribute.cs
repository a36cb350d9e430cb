namespace AgentOS.Tests.Framework;

/// <summary>Skips a test up front with a reason. Such a skip never becomes a failure.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkipAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
