namespace AgentOS.Syscalls;

/// <summary>Several observers as one (telemetry and events).</summary>
internal sealed class SyscallObservers(params ISyscallObserver[] observers) : ISyscallObserver
{
    public void OnSubmitted(Syscall syscall)
    {
        foreach (var observer in observers)
        {
            observer.OnSubmitted(syscall);
        }
    }

    public void OnDispatched(Syscall syscall)
    {
        foreach (var observer in observers)
        {
            observer.OnDispatched(syscall);
        }
    }

    public void OnCompleted(Syscall syscall)
    {
        foreach (var observer in observers)
        {
            observer.OnCompleted(syscall);
        }
    }

    public void OnRetrying(Syscall syscall)
    {
        foreach (var observer in observers)
        {
            observer.OnRetrying(syscall);
        }
    }

    public void OnRefused(SyscallRequest request, Exception error)
    {
        foreach (var observer in observers)
        {
            observer.OnRefused(request, error);
        }
    }
}
