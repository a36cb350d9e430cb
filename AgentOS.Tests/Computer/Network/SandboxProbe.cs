using AgentOS.Computer.Sessions;

namespace AgentOS.Tests.Computer.Network;

/// <summary>A Python probe run inside a session: a raw request to the proxy (bytes the test chooses, so malformed
/// heads and Host-header games are possible), or a direct TCP connect that bypasses the proxy.</summary>
internal static class SandboxProbe
{
    private const string Script = """
        import os, socket, sys, codecs
        mode, arg = sys.argv[1], sys.argv[2]
        if mode == "direct":
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(("127.0.0.1", int(arg)))
                print("connected")
            except OSError as e:
                print("failed", e.errno)
        else:
            port = int(os.environ["HTTP_PROXY"].rsplit(":", 1)[1])
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(codecs.decode(arg, "unicode_escape").encode("latin-1"))
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            print(data.decode("latin-1"))
        """;

    /// <summary>Sends <paramref name="request"/> (with <c>\r\n</c> written as escapes) to the session's proxy and
    /// returns what came back.</summary>
    public static async Task<string> ThroughProxyAsync(SessionManager manager, ComputerSession session, string request)
    {
        Install(session);
        var escaped = request.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
        var result = await manager.RunAsync(session.OwnerAgentId, session.Id, $"python3 probe.py proxy '{escaped}'", TimeSpan.FromSeconds(30));
        return result.Stdout + result.Stderr;
    }

    /// <summary>Connects straight to 127.0.0.1:<paramref name="port"/>; "connected" or "failed ERRNO".</summary>
    public static async Task<string> DirectAsync(SessionManager manager, ComputerSession session, int port)
    {
        Install(session);
        var result = await manager.RunAsync(session.OwnerAgentId, session.Id, $"python3 probe.py direct {port}", TimeSpan.FromSeconds(30));
        return (result.Stdout + result.Stderr).Trim();
    }

    private static void Install(ComputerSession session)
    {
        var path = Path.Combine(session.WorkspaceHostPath, "probe.py");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Script);
        }
    }
}
