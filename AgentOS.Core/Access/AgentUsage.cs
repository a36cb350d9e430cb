namespace AgentOS.Access;

/// <summary>A snapshot of one agent's budget use, for status pages and tests.</summary>
/// <param name="InFlight">Syscalls allowed and not yet completed.</param>
/// <param name="CallsUsed">Syscalls counted in the current window (counted only when the agent has a calls limit).</param>
/// <param name="TokensUsed">Tokens counted in the current window (counted only when the agent has a tokens limit).</param>
/// <param name="CallsLimit">The calls limit per window, or <see langword="null"/> for none.</param>
/// <param name="TokensLimit">The tokens limit per window, or <see langword="null"/> for none.</param>
/// <param name="MaxConcurrent">The in-flight limit, or <see langword="null"/> for none.</param>
/// <param name="WindowEndsIn">How long until the current budget window ends.</param>
public readonly record struct AgentUsage(
    int InFlight,
    long CallsUsed,
    long TokensUsed,
    long? CallsLimit,
    long? TokensLimit,
    int? MaxConcurrent,
    TimeSpan WindowEndsIn);
