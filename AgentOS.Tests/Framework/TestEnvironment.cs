using System.Diagnostics;
using System.Reflection;

namespace AgentOS.Tests.Framework;

/// <summary>What the current run was asked for.</summary>
public static class TestEnvironment
{
    /// <summary>Set by <c>--stress</c>: tests with a bounded form run their long form.</summary>
    public static bool Stress { get; internal set; }

    /// <summary><c>AGENTOS_REQUIRE_INTEGRATION=1</c>: requirement skips become failures.</summary>
    public static bool RequireIntegration { get; } = Environment.GetEnvironmentVariable("AGENTOS_REQUIRE_INTEGRATION") == "1";

    /// <summary>Whether AgentOS.Core was compiled with optimizations (Release).</summary>
    public static bool IsOptimizedBuild { get; } =
        typeof(AgentOSInfo).Assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };

    /// <summary>Returns <paramref name="bounded"/> normally and <paramref name="stress"/> under <c>--stress</c>.</summary>
    public static int Scale(int bounded, int stress) => Stress ? stress : bounded;
}
