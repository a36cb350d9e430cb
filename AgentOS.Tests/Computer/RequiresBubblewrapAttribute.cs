using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer;

/// <summary>
/// Requires what the bubblewrap sandbox needs: Linux, <c>bwrap</c> (Debian <c>bubblewrap</c>), <c>setpriv</c> and
/// <c>prlimit</c> (util-linux), and a test process running as root (the sandbox drops each session to its own uid and
/// mounts its capped workspace). Unmet: skipped locally, a failure under <c>AGENTOS_REQUIRE_INTEGRATION=1</c>.
/// </summary>
public sealed class RequiresBubblewrapAttribute : RequiresAttribute
{
    public override string? Unmet() => Why();

    public static string? Why()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux (bubblewrap)";
        }
        foreach (var (command, package) in new[] { ("bwrap", "bubblewrap"), ("setpriv", "util-linux"), ("prlimit", "util-linux") })
        {
            if (Requirements.FindOnPath(command) is null && !File.Exists("/usr/bin/" + command))
            {
                return $"needs '{command}' (apt-get install {package})";
            }
        }
        return AgentOS.Interop.Libc.GetEffectiveUserId() == 0 ? null : "needs to run as root (the sandbox gives each session its own uid and mounts its workspace)";
    }
}
