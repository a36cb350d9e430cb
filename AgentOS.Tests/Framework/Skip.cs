namespace AgentOS.Tests.Framework;

/// <summary>Why a test was skipped: a requirement becomes a failure under <c>AGENTOS_REQUIRE_INTEGRATION=1</c>; not-applicable never does.</summary>
public enum SkipKind
{
    NotApplicable,
    Requirement,
}

/// <summary>Thrown to end a test as skipped.</summary>
public sealed class SkipException(string reason, SkipKind kind) : Exception(reason)
{
    public SkipKind Kind { get; } = kind;
}

/// <summary>Skips a test from inside it.</summary>
public static class Skip
{
    /// <summary>Skips as not applicable (another OS, a capability an implementation declares it lacks).</summary>
    public static void If(bool condition, string reason)
    {
        if (condition)
        {
            throw new SkipException(reason, SkipKind.NotApplicable);
        }
    }

    /// <summary>Skips because something outside the test is missing; fails under <c>AGENTOS_REQUIRE_INTEGRATION=1</c>.</summary>
    public static void UnlessAvailable(bool available, string requirement)
    {
        if (!available)
        {
            throw new SkipException(requirement, SkipKind.Requirement);
        }
    }

    /// <summary>
    /// Skips assertions that only hold under an optimizing JIT (zero allocations) when the code under test was built
    /// in Debug.
    /// </summary>
    public static void UnlessOptimized() =>
        If(!TestEnvironment.IsOptimizedBuild, "not applicable in a Debug build: allocation-free paths need the optimizing JIT (run with -c Release)");
}
