using AgentOS.Interop;

namespace AgentOS.Threading;

/// <summary>The calling thread's id as the OS knows it (not the managed thread id).</summary>
internal static class OsThread
{
    /// <summary>Linux: the tid (<c>/proc/self/task/&lt;tid&gt;</c>); Windows: GetCurrentThreadId; macOS: pthread_threadid_np; elsewhere -1.</summary>
    public static long CurrentId()
    {
        if (OperatingSystem.IsLinux())
        {
            return Libc.GetTid();
        }
        if (OperatingSystem.IsWindows())
        {
            return Kernel32.GetCurrentThreadId();
        }
        if (OperatingSystem.IsMacOS())
        {
            return LibSystem.PthreadThreadIdNp(0, out ulong id) == 0 ? (long)id : -1;
        }
        return -1;
    }
}
