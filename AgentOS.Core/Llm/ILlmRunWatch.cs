using AgentOS.Syscalls;

namespace AgentOS.Llm;

/// <summary>
/// The LLM manager's seam for giving up a run that is stuck (no answer yet: a slow first token, a call heading for a
/// timeout) so it can move to another backend at once. The kernel's Reactor implements it (its failover playbook).
/// </summary>
internal interface ILlmRunWatch
{
    /// <summary>Arms a watch on a whole-answer run starting on <paramref name="backend"/>: when it decides to give the
    /// run up it calls <paramref name="giveUp"/>, and the run ends as a typed backend failure the recovery moves.</summary>
    /// <returns>The watch's timer (disposed when the run ends), or <see langword="null"/>: not watched.</returns>
    ITimer? Watch(Syscall syscall, string backend, Action giveUp);

    /// <summary>How long the watch waits before giving up (for the error's message).</summary>
    TimeSpan Patience { get; }
}
