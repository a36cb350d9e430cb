using System.Globalization;

namespace AgentOS.Computer.Sandbox;

public sealed partial class BubblewrapSandbox
{
    /// <summary>The workspace inside every sandbox.</summary>
    internal const string SandboxWorkspace = "/workspace";

    /// <summary>Where an interactive program's pseudo-terminal appears inside the sandbox.</summary>
    internal const string SandboxTerminal = "/dev/agent-tty";

    // Files of /etc a program may need that hold no secret: the loader's cache, the alternatives symlinks (python3 and
    // friends on Debian), name service order, time zone, public CA certificates, font configuration (the browser
    // renders text with it). Never the whole /etc: shadow,
    // gshadow, sudoers, ssh host keys and any credential file stay out of every sandbox.
    private static readonly string[] EtcFiles =
    [
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/nsswitch.conf",
        "/etc/localtime", "/etc/ssl/certs", "/etc/ca-certificates", "/etc/mime.types", "/etc/python3", "/etc/python3.11",
        "/etc/fonts",
    ];

    /// <summary>The full command line: prlimit (limits, as root) → setpriv (the session's uid, no new privileges) →
    /// bwrap (namespaces and mounts) → <paramref name="argv"/>. A <paramref name="terminal"/> (a pty slave's host path,
    /// owned by the session's uid) is bound in as <see cref="SandboxTerminal"/>, the only host device a session sees
    /// beyond bubblewrap's own <c>/dev</c>.</summary>
    internal List<string> CommandLine(string workspaceHost, int uid, SandboxLimits limits, IReadOnlyList<string> argv, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string? terminal = null, SandboxProxy? proxy = null)
    {
        var args = new List<string>(96)
        {
            $"--cpu={limits.CpuSeconds}",
            $"--as={limits.MemoryBytes}",
            $"--nproc={limits.Processes}",
            $"--fsize={limits.FileSizeBytes}",
            $"--nofile={limits.OpenFiles}",
            "--core=0",
            "--",
            SetprivPath,
            $"--reuid={uid}",
            $"--regid={uid}",
            "--clear-groups",
            "--no-new-privs",
            "--",
            BwrapPath,
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session",
            "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr",
        };
        foreach (var top in new[] { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" })
        {
            var info = new FileInfo(top);
            if (info.LinkTarget is { } target)
            {
                args.AddRange(["--symlink", target, top]);
            }
            else if (Directory.Exists(top))
            {
                args.AddRange(["--ro-bind", top, top]);
            }
        }
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/etc"]);
        foreach (var file in EtcFiles)
        {
            args.AddRange(["--ro-bind-try", file, file]);
        }
        foreach (var bind in _toolBinds)
        {
            args.AddRange(["--ro-bind", bind, bind]);
        }
        if (terminal is not null)
        {
            args.AddRange(["--dev-bind", terminal, SandboxTerminal]);
        }
        if (proxy is { HostSocketPath: { } socket })
        {
            args.AddRange(["--bind", socket, NetworkRelay.SandboxSocket]);
        }
        args.AddRange(["--bind", workspaceHost, SandboxWorkspace, "--chdir", workingDirectory ?? SandboxWorkspace, "--clearenv"]);
        foreach (var (name, value) in DefaultEnvironment(uid).Concat(proxy?.Environment() ?? []))
        {
            args.AddRange(["--setenv", name, value]);
        }
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                args.AddRange(["--setenv", name, value]);
            }
        }
        args.Add("--");
        args.AddRange(SignalsReset);
        args.AddRange(proxy is { HostSocketPath: not null } ? NetworkRelay.Wrap(argv, proxy.SandboxPort) : argv);
        return args;
    }

    /// <summary>Runs the program with every signal's default disposition. An ignored signal is inherited across exec,
    /// and a kernel started in the background by a shell (or under nohup) ignores SIGINT and SIGQUIT: without this,
    /// Ctrl-C typed into a session's terminal would reach programs that ignore it.</summary>
    internal static readonly string[] SignalsReset = ["/usr/bin/env", "--default-signal"];

    internal static IEnumerable<(string Name, string Value)> DefaultEnvironment(int uid)
    {
        yield return ("PATH", "/usr/local/bin:/usr/bin:/bin");
        yield return ("HOME", SandboxWorkspace);
        yield return ("TMPDIR", "/tmp");
        yield return ("LANG", "C.UTF-8");
        yield return ("USER", "agent");
        yield return ("LOGNAME", "agent");
        yield return ("AGENTOS_UID", uid.ToString(CultureInfo.InvariantCulture));
    }
}
