using System.Globalization;
using System.Runtime.Versioning;

namespace AgentOS.Computer.Sandbox;

/// <summary>
/// The relay inside a sandbox with its own network namespace: socat listening on <c>127.0.0.1:{port}</c> (the
/// namespace's loopback, which bubblewrap brings up) and forwarding each connection to the kernel's proxy through the
/// Unix socket bound in at <see cref="SandboxSocket"/>. Every process a session starts runs in a bubblewrap of its own
/// (its own namespace), so each gets its own relay, started before the program and gone with its namespace.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class NetworkRelay
{
    /// <summary>Where the proxy's socket appears inside the sandbox.</summary>
    public const string SandboxSocket = "/run/agentos-proxy.sock";

    private static readonly Lazy<string> Socat = new(() => BubblewrapSandbox.FindTool("socat", "socat", "socat"));

    /// <summary>Checks socat is installed.</summary>
    /// <exception cref="SandboxUnavailableException">It is not; the message says what to install.</exception>
    public static void Require() => _ = Socat.Value;

    /// <summary><paramref name="argv"/>, run once the relay listens (a program that connects at once must find it).</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> argv, int port)
    {
        // The relay is started by the shell that then becomes the program (exec), so it is the program's child; the
        // wait reads the namespace's own socket table rather than sleeping a guessed time. Bounded: without a relay
        // the program still runs, and its connections fail as if there were no network.
        string listening = string.Create(CultureInfo.InvariantCulture, $" 0100007F:{port:X4} 00000000:0000 0A");
        string script =
            // 3 and 4 closed for the relay: a browser's DevTools pipe arrives there, and a relay holding its ends
            // would keep the pipe open after the browser died (the kernel would wait instead of seeing it gone).
            $"{Socat.Value} {RelayArguments(port)} </dev/null >/dev/null 2>&1 3<&- 4>&- & " +
            $"i=0; while ! grep -q '{listening}' /proc/net/tcp && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.002; done; exec \"$@\"";
        return ["/bin/sh", "-c", script, "agentos-relay", .. argv];
    }

    /// <summary>Whether host process <paramref name="pid"/> is a relay for <paramref name="port"/>.</summary>
    public static bool Is(int pid, int port)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return cmdline.Length == 3 && cmdline[0] == Socat.Value && string.Join(' ', cmdline[1..]) == RelayArguments(port);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string RelayArguments(int port) =>
        string.Create(CultureInfo.InvariantCulture, $"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:{SandboxSocket}");
}
