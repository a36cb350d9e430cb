using System.Diagnostics;

namespace AgentOS.Computer.Sandbox;

/// <summary>A session's folder and processes under the no-isolation opt-in.</summary>
internal sealed class UnisolatedInstance(string workspace, SandboxLimits limits) : ISandboxInstance
{
    public string WorkspaceHostPath => workspace;

    public string WorkspaceSandboxPath => workspace;

    public int HostUserId => OperatingSystem.IsLinux() ? (int)Interop.Libc.GetEffectiveUserId() : -1;

    public SandboxLimits Limits => limits;

    public SandboxProxy? Proxy { get; set; }

    public ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("argv is empty: give the program to run.", nameof(argv));
        }
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, WorkingDirectory = workingDirectory ?? workspace };
        for (int i = 1; i < argv.Count; i++)
        {
            start.ArgumentList.Add(argv[i]);
        }
        var path = Environment.GetEnvironmentVariable("PATH");
        start.Environment.Clear();
        start.Environment["PATH"] = path;
        start.Environment["HOME"] = workspace;
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in Proxy?.Environment() ?? [])
        {
            start.Environment[name] = value;
        }
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }
        return start;
    }

    public ProcessStartInfo CreateTerminalStartInfo(IReadOnlyList<string> argv, string terminalHostPath) =>
        CreateStartInfo(TerminalWrapper.Wrap(argv, terminalHostPath), null, TerminalWrapper.Environment);

    public int KillAllExcept(int started, int keepHostPid) =>
        OperatingSystem.IsLinux() ? ProcessTree.KillDescendantsExcept(started, keepHostPid) : 0;

    public int HostPidOf(int started, int sandboxPid) => sandboxPid;

    public long DiskBytesUsed()
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(workspace).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
        {
            total += file.Length;
        }
        return total;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(workspace, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
