namespace AgentOS.Sdk;

/// <summary>Scheduling hints a query carries: priority, deadline and estimated cost.</summary>
/// <param name="Priority">Larger runs first under the priority policy.</param>
/// <param name="Deadline">When the result stops being useful.</param>
/// <param name="EstimatedCost">Expected work (tokens, bytes...), for shortest-job-first.</param>
public readonly record struct SyscallOptions(int Priority = 0, DateTimeOffset? Deadline = null, double EstimatedCost = 0);
