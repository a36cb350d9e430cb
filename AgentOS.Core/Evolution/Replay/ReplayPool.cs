using AgentOS.Llm.Simulation;

namespace AgentOS.Evolution.Replay;

/// <summary>The backends a replay runs on: each its own learned latency model and its slots (a concurrency group of
/// the replay's queue, as each backend is in the kernel's LLM queue); a request's <see cref="ReplayRequest.Backend"/>
/// indexes them.</summary>
internal sealed record ReplayPool(SimulatedLatencyModel[] Models, int[] Slots);
