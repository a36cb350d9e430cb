namespace AgentOS.Tests.Framework;

/// <summary>
/// A test that runs only under <c>--stress</c>. Tests that have a bounded form instead read
/// <see cref="TestEnvironment.Stress"/> and scale themselves.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StressAttribute : Attribute;
