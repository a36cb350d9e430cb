using AgentOS.Access;
using AgentOS.Hosting.Dashboard;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Http;

// The dashboard at `/`: static pages embedded in the DLL, and its login. A browser logs in once with a bearer token
// and from then on sends the session cookie, which every endpoint accepts where it accepts the token (the event
// stream included: EventSource cannot send headers). A request made with the cookie that changes anything must come
// from this server's own origin and echo the session's CSRF token, so another site cannot make the browser act.
public sealed partial class KernelHttpServer
{
    private static bool IsDashboardPath(string[] segments) => segments is [] or ["dashboard", ..];

    private async Task RouteDashboardAsync(HttpServerRequest request, HttpServerResponse response, string[] segments)
    {
        switch (request.HttpMethod, segments)
        {
            case ("GET" or "HEAD", []):
                // The page itself holds no data; without a login the browser gets the login page instead, and every
                // data request refuses it (401) until it logs in.
                bool signedIn = SessionCaller(request) is not null || (_authenticator.IsOpen && request.Headers["Cookie"] is null);
                await WriteAssetAsync(response, signedIn ? "app.html" : "login.html").ConfigureAwait(false);
                return;
            case ("GET" or "HEAD", ["dashboard", "assets", var name]):
                if (!DashboardAssets.Exists(name))
                {
                    throw new HttpError(404, "not_found", $"The dashboard has no file '{AgentOS.Storage.StorageKey.Escape(name)}'.");
                }
                await WriteAssetAsync(response, name).ConfigureAwait(false);
                return;
            case ("POST", ["dashboard", "login"]):
                await LoginAsync(request, response).ConfigureAwait(false);
                return;
            case ("POST", ["dashboard", "logout"]):
                RequireSameOrigin(request);
                if (_sessions.Find(request.Headers["Cookie"]) is { } ended)
                {
                    RequireCsrf(request, ended);
                    _sessions.Remove(ended);
                }
                response.AddHeader("Set-Cookie", DashboardSessions.SetCookie(null));
                response.StatusCode = 204;
                return;
            case ("GET", ["dashboard", "session"]):
                var caller = Authenticate(request, response);
                var session = _sessions.Find(request.Headers["Cookie"]);
                await WriteAsync(response, 200, new DashboardSessionView(caller.Name, caller.IsAdmin, Access.MayApprove(caller), Access.MayMonitor(caller), session?.Csrf ?? ""),
                    AgentOSJsonContext.Default.DashboardSessionView).ConfigureAwait(false);
                return;
            default:
                throw new HttpError(404, "not_found", $"No dashboard endpoint at {request.Url?.AbsolutePath}: GET /, GET /dashboard/session, POST /dashboard/login, POST /dashboard/logout.");
        }
    }

    // The token is checked like any bearer token; only a token that authenticates gets a session.
    private async Task LoginAsync(HttpServerRequest request, HttpServerResponse response)
    {
        RequireSameOrigin(request);
        var login = await ReadAsync(request, AgentOSJsonContext.Default.DashboardLoginRequest).ConfigureAwait(false);
        string authorization = "Bearer " + (login.Token ?? "").Trim();
        var result = _authenticator.Credentials.Authenticate(authorization);
        if (result.Principal is not { } principal)
        {
            throw new HttpError(401, "unauthorized", $"That token does not log in: {result.Describe()}");
        }
        var session = _sessions.Create(authorization);
        response.AddHeader("Set-Cookie", DashboardSessions.SetCookie(session));
        await WriteAsync(response, 200, new DashboardSessionView(principal.Name, principal.IsAdmin, Access.MayApprove(principal), Access.MayMonitor(principal), session.Csrf),
            AgentOSJsonContext.Default.DashboardSessionView).ConfigureAwait(false);
    }

    // The Authorization header a request authenticates with: its own, or the token its session cookie stands for.
    // A cookie request that may change something must pass the origin and CSRF checks first.
    private string? AuthorizationOf(HttpServerRequest request)
    {
        string? header = request.Headers["Authorization"];
        if (!string.IsNullOrEmpty(header) || _sessions.Find(request.Headers["Cookie"]) is not { } session)
        {
            return header;
        }
        if (request.HttpMethod is not ("GET" or "HEAD" or "OPTIONS"))
        {
            RequireSameOrigin(request);
            RequireCsrf(request, session);
        }
        return session.Authorization;
    }

    private Principal? SessionCaller(HttpServerRequest request) =>
        _sessions.Find(request.Headers["Cookie"]) is { } session ? _authenticator.Credentials.Authenticate(session.Authorization).Principal : null;

    // A browser names the page's origin on every cross-origin request and on every POST; a request from this
    // dashboard names this server. A missing Origin is refused too: browsers always send one where it matters here.
    private static void RequireSameOrigin(HttpServerRequest request)
    {
        string? origin = request.Headers["Origin"];
        string? host = request.Headers["Host"];
        if (origin is null || host is null || !string.Equals(origin, "http://" + host, StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpError(403, "permission_denied",
                $"Origin '{AgentOS.Storage.StorageKey.Escape(origin ?? "(none)")}' is not this server's (http://{AgentOS.Storage.StorageKey.Escape(host ?? "")}): the dashboard's actions are taken only from its own page. Other clients send Authorization: Bearer instead of the cookie.");
        }
    }

    private static void RequireCsrf(HttpServerRequest request, DashboardSessions.Session session)
    {
        if (!DashboardSessions.CsrfMatches(session, request.Headers[DashboardSessions.CsrfHeader]))
        {
            throw new HttpError(403, "permission_denied",
                $"The {DashboardSessions.CsrfHeader} header is missing or wrong: an action made with the dashboard's cookie must send the CSRF token GET /dashboard/session returns.");
        }
    }

    private static async Task WriteAssetAsync(HttpServerResponse response, string name)
    {
        var bytes = DashboardAssets.Read(name);
        response.StatusCode = 200;
        response.ContentType = DashboardAssets.ContentType(name);
        response.AddHeader("Cache-Control", "no-cache");
        response.AddHeader("X-Content-Type-Options", "nosniff");
        response.AddHeader("Referrer-Policy", "no-referrer");
        // Only this server's own files run: no inline script, no CDN, no framing by another site.
        response.AddHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
