namespace AgentOS.Syscalls;

/// <summary>Sees every syscall transition (submitted, dispatched, completed, refused) on the thread where it happens;
/// the kernel turns them into events, spans and metrics. Must be cheap and must not throw.</summary>
internal interface ISyscallObserver
{
    void OnSubmitted(Syscall syscall);

    void OnDispatched(Syscall syscall);

    void OnCompleted(Syscall syscall);

    /// <summary>A run failed with <see cref="Syscall.Error"/> and the syscall will run again (called before the error is
    /// cleared).</summary>
    void OnRetrying(Syscall syscall)
    {
    }

    /// <summary>A request refused before it got an envelope (invalid, denied, over budget, kernel stopping).</summary>
    void OnRefused(SyscallRequest request, Exception error);
}
