namespace AgentOS.Syscalls.Errors;

/// <summary>The agent is paused (the Reactor's runaway playbook stopped it); its syscalls are refused until an
/// approver answers the escalation or an operator resumes it.</summary>
public sealed class AgentPausedException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public AgentPausedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "agent_paused";
}
