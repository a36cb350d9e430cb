using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Code;

/// <summary>
/// The Python contract again with each session's interpreter inside bubblewrap the way a session sandbox starts it
/// (read-only /usr, a private /tmp, the workspace bound at /workspace, every namespace unshared): the drivers need
/// nothing the sandbox lacks, the workspace paths differ inside and out, and a timeout kills the whole sandbox.
/// </summary>
[RequiresCommand("bwrap")]
public sealed class SandboxedPythonCodeToolTests : PythonCodeToolTests
{
    protected override Func<string, Func<IReadOnlyList<string>, string, IReadOnlyList<string>>>? Sandbox => workspace => (argv, workingDirectory) =>
    [
        "bwrap", "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", workspace, "/workspace", "--chdir", workingDirectory,
        "--setenv", "PATH", "/usr/bin:/bin", "--", .. argv,
    ];
}
