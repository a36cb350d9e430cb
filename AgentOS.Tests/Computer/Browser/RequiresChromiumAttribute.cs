using AgentOS.Computer.Browser.Cdp;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Browser;

/// <summary>Requires Linux and an installed Chromium (Debian <c>chromium</c>, or <c>AGENTOS_CHROMIUM</c> naming the
/// executable). Unmet: skipped locally, a failure under <c>AGENTOS_REQUIRE_INTEGRATION=1</c>.</summary>
public sealed class RequiresChromiumAttribute : RequiresAttribute
{
    public override string? Unmet() => Why();

    public static string? Why()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux (the browser tool drives Chromium over a pipe)";
        }
        return !OperatingSystem.IsLinux() || ChromiumProcess.FindExecutable() is null ? "needs Chromium (apt-get install chromium, or AGENTOS_CHROMIUM=<executable>)" : null;
    }
}
