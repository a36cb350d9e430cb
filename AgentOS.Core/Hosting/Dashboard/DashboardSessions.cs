using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AgentOS.Hosting.Dashboard;

/// <summary>
/// The dashboard's logins: a session id (the HttpOnly, SameSite=Strict cookie) stands for the bearer token it was
/// exchanged for, because a browser's EventSource cannot send an <c>Authorization</c> header. The token itself never
/// reaches the page's script; every request made with the cookie is authenticated through that token again, so a
/// revoked token ends its sessions at once. Each session also has a CSRF token that unsafe requests must echo in
/// <see cref="CsrfHeader"/>.
/// </summary>
internal sealed class DashboardSessions(TimeProvider time)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "agentos_session";

    /// <summary>The header an unsafe request made with the cookie carries the session's CSRF token in.</summary>
    public const string CsrfHeader = "X-AgentOS-CSRF";

    /// <summary>How long a login lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    // Beyond this many live logins the oldest goes: a flood of logins cannot grow the table without bound.
    private const int MaxSessions = 1024;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>A new session for a token the caller has already authenticated.</summary>
    public Session Create(string authorization)
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var stale in _sessions.Values.Where(s => s.Expires <= now).ToList())
            {
                _sessions.TryRemove(stale.Id, out _);
            }
            while (_sessions.Count >= MaxSessions && _sessions.Values.MinBy(s => s.Expires) is { } oldest)
            {
                _sessions.TryRemove(oldest.Id, out _);
            }
        }
        var session = new Session(NewSecret(), authorization, NewSecret(), now + Lifetime);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session a <c>Cookie</c> header names, or <see langword="null"/>.</summary>
    public Session? Find(string? cookieHeader)
    {
        if (CookieValue(cookieHeader) is not { } id || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        if (session.Expires <= time.GetUtcNow())
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        return session;
    }

    /// <summary>Ends a session (logout).</summary>
    public void Remove(Session session) => _sessions.TryRemove(session.Id, out _);

    /// <summary>Whether <paramref name="presented"/> is the session's CSRF token (compared in constant time).</summary>
    public static bool CsrfMatches(Session session, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(session.Csrf), Encoding.UTF8.GetBytes(presented));

    /// <summary>The <c>Set-Cookie</c> value for a session (<see langword="null"/>: one that clears the cookie).</summary>
    public static string SetCookie(Session? session) => session is null
        ? $"{CookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        : $"{CookieName}={session.Id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={(long)Lifetime.TotalSeconds}";

    private static string? CookieValue(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }
        foreach (var part in header.Split(';'))
        {
            var pair = part.Trim();
            if (pair.StartsWith(CookieName + "=", StringComparison.Ordinal))
            {
                return pair[(CookieName.Length + 1)..];
            }
        }
        return null;
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>One login.</summary>
    /// <param name="Id">The cookie's value.</param>
    /// <param name="Authorization">The <c>Authorization</c> header value it stands for.</param>
    /// <param name="Csrf">The token unsafe requests echo.</param>
    /// <param name="Expires">When it ends.</param>
    public sealed record Session(string Id, string Authorization, string Csrf, DateTimeOffset Expires);
}
