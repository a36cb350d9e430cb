using AgentOS.Access;

namespace AgentOS.Hosting.Http;

// The wire types of the operations endpoints (KernelHttpServer.Operations.cs): what the dashboard reads and changes,
// open to any client holding the grants.

/// <summary>Latency percentiles over the last minute, in milliseconds (nearest rank; zeros when nothing was measured).</summary>
public sealed record LatencyPercentiles(int Count, double P50, double P90, double P99, double Max);

/// <summary>One resource queue as <c>GET /v1/queues</c> shows it: its counters, the policies it takes, and its wait
/// (submitted to dispatched) and service (dispatched to done) percentiles over <see cref="WindowSeconds"/>.</summary>
public sealed record QueueView(
    string Name, string Policy, IReadOnlyList<string> Policies, int Waiting, int Running, long Completed, long Preemptions,
    long Expired, long DeadlinesMet, long DeadlinesMissed, double WindowSeconds, LatencyPercentiles Wait, LatencyPercentiles Service);

/// <summary><c>PUT /v1/queues/{name}/policy</c>: the policy to schedule the queue with from now on.</summary>
public sealed record QueuePolicyRequest(string Policy);

/// <summary>A syscall in flight, as the event stream showed it.</summary>
public sealed record CurrentSyscall(long Id, string Kind, string State, string? Target, DateTimeOffset Since);

/// <summary>An agent's latest error: a failed or refused syscall, or a failed run.</summary>
public sealed record AgentError(string Message, DateTimeOffset At);

/// <summary>One registered agent as <c>GET /v1/agents/activity</c> shows it: its runs, its budget use against its
/// limits, the syscall it waits on or runs, and its latest error.</summary>
public sealed record AgentActivity(
    string Name, string Description, int Running, long Completed, long Failed, AgentUsage? Usage, bool Paused,
    CurrentSyscall? Current, AgentError? LastError);

/// <summary>The answer of <c>POST /v1/agents/{name}/stop</c>: how many runs were cancelled.</summary>
public sealed record StopAgentResponse(string Agent, int Stopped);

/// <summary><c>GET /v1/sessions/{id}/terminal</c>: the last <see cref="CapacityChars"/> characters the session's
/// terminal showed (each command as <c>$ command</c> then what it printed, and its interactive program's output),
/// appended as each command or exchange ends; <see cref="DroppedChars"/> older ones are gone.</summary>
public sealed record TerminalOutputView(string Session, string Agent, string Output, long DroppedChars, int CapacityChars, bool Busy, long Commands);

/// <summary>One LLM backend as <c>GET /v1/llm/backends</c> shows it: slots, whether routing skips it (and why), its
/// circuit breaker, its rate-limit window and hold, and the embedded engine's counters when it is one.</summary>
public sealed record LlmBackendView(
    string Name, int Slots, bool Down, string? DownReason, bool CircuitOpen, AgentOS.Llm.LlmRateWindow RateLimit,
    DateTimeOffset? HeldUntil, EmbeddedEngineCounters? Engine);

/// <summary>The embedded llama2.c engine's counters (cumulative: a reader takes differences for rates).</summary>
public sealed record EmbeddedEngineCounters(long PrefillTokens, long DecodeTokens, long Steps, long Snapshots, long Restores);

/// <summary><c>POST /v1/dashboard/login</c>: the bearer token to exchange for a session cookie.</summary>
public sealed record DashboardLoginRequest(string Token);

/// <summary>The dashboard session: who it acts as, what it may do, and the CSRF token its actions must send in the
/// <c>X-AgentOS-CSRF</c> header.</summary>
public sealed record DashboardSessionView(string Caller, bool Admin, bool Approve, bool Monitor, string Csrf);
