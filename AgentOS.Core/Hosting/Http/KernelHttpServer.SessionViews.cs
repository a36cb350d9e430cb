using AgentOS.Access;
using AgentOS.Computer.Sessions;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Http;

// What an operator sees of a computer-use session (the dashboard's computer view): its browser's current page as a
// PNG, and its terminal's recent output. Read-only, for the session's owner (or whoever may act for it) and holders
// of the monitor grant; looking never starts a browser nor counts as the session's use.
public sealed partial class KernelHttpServer
{
    // An agent's page may be mid-navigation; a watcher waits this long for its turn on the browser, then gets a 404.
    private static readonly TimeSpan ScreenshotWait = TimeSpan.FromSeconds(5);

    private async Task WriteScreenshotAsync(Principal caller, HttpServerResponse response, string sessionId)
    {
        var session = WatchedSession(caller, sessionId);
        byte[]? png = null;
        if (OperatingSystem.IsLinux() && _kernel.Browsers is { } browsers)
        {
            using var wait = new CancellationTokenSource(ScreenshotWait, _kernel.Time);
            try
            {
                png = await browsers.ScreenshotIfRunningAsync(session.Id, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
                throw new HttpError(503, "unavailable", $"The browser of session '{session.Id}' stayed busy for {ScreenshotWait.TotalSeconds:F0} s: ask again.");
            }
        }
        if (png is null)
        {
            throw new HttpError(404, "not_found", $"Session '{session.Id}' has no browser running: it starts with the session's first browser.* call.");
        }
        response.StatusCode = 200;
        response.ContentType = "image/png";
        response.AddHeader("Cache-Control", "no-store");
        response.AddHeader("X-Content-Type-Options", "nosniff");
        response.ContentLength64 = png.Length;
        await response.OutputStream.WriteAsync(png).ConfigureAwait(false);
    }

    private Task WriteTerminalAsync(Principal caller, HttpServerResponse response, string sessionId)
    {
        var session = WatchedSession(caller, sessionId);
        var (text, dropped) = session.Transcript.Read();
        return WriteAsync(response, 200, new TerminalOutputView(session.Id, session.OwnerAgentId, text, dropped, TerminalTranscript.Capacity, session.Busy, session.Commands),
            AgentOSJsonContext.Default.TerminalOutputView);
    }

    // The same 404 for a session that does not exist and one the caller may not watch, so ids cannot be probed.
    private ComputerSession WatchedSession(Principal caller, string sessionId)
    {
        if (_kernel.Sessions?.Find(sessionId) is { } session && MaySee(caller, Access.MayMonitor(caller), session.OwnerAgentId))
        {
            return session;
        }
        throw new HttpError(404, "not_found",
            $"No session '{AgentOS.Storage.StorageKey.Escape(sessionId)}' that '{caller.Name}' may watch: a session is watched by its agent (or whoever may act for it) and by holders of the monitor grant; GET /v1/status lists those you may see.");
    }
}
