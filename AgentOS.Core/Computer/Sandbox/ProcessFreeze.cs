using System.Runtime.Versioning;
using AgentOS.Interop;

namespace AgentOS.Computer.Sandbox;

/// <summary>
/// Stops every process of a session's uid while the kernel reads or rewrites its workspace, so none can swap a file
/// for a symlink between the kernel's look and its open (a snapshot must never follow a link to /etc/shadow).
/// Disposing it lets them run again.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ProcessFreeze : IDisposable
{
    private const int SignalContinue = 18;
    private readonly HashSet<int> _stopped = [];

    public ProcessFreeze(int uid)
    {
        if (uid <= 0)
        {
            return; // the kernel's own uid (no isolation): nothing to freeze without freezing the kernel
        }
        // Repeat until a pass finds no running process of the uid that is not stopped yet (a fork in flight).
        for (int pass = 0; pass < 20; pass++)
        {
            bool found = false;
            foreach (var entry in ProcessTree.Snapshot())
            {
                if (entry.RealUid == uid && _stopped.Add(entry.Pid))
                {
                    Libc.Kill(entry.Pid, Libc.SignalStop);
                    found = true;
                }
            }
            if (!found)
            {
                break;
            }
        }
    }

    public void Dispose()
    {
        foreach (int pid in _stopped)
        {
            Libc.Kill(pid, SignalContinue);
        }
    }
}
