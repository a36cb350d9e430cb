using System.Text.Json.Serialization;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// One external MCP server whose tools become kernel tools named <c>name.tool</c>: in code, or as an entry of the
/// kernel config's <c>mcp_servers</c> array. Exactly one of <see cref="Command"/> (a child process over stdio) and
/// <see cref="Url"/> (a Streamable HTTP endpoint).
/// </summary>
/// <example><code>
/// "mcp_servers": [
///   { "name": "fs", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv/shared"] },
///   { "name": "search", "url": "http://127.0.0.1:3001/mcp", "headers": { "Authorization": "Bearer ..." }, "max_concurrency": 8 } ]
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class McpServerConfig
{
    /// <summary>The server's name: the prefix of its tools' names and their concurrency group (letters, digits,
    /// <c>_</c> and <c>-</c>; at most 32 characters).</summary>
    public required string Name { get; init; }

    /// <summary>For stdio: the program to start.</summary>
    public string? Command { get; init; }

    /// <summary>For stdio: its arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>For stdio: environment variables set for it.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>For stdio: its working folder (default: the kernel's).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>For stdio: run the process inside a sandbox session (a computer-use session with no network and only
    /// its workspace writable) instead of directly. Needs a kernel with computer-use sessions.</summary>
    public bool Sandbox { get; init; }

    /// <summary>For HTTP: the server's MCP endpoint.</summary>
    public string? Url { get; init; }

    /// <summary>For HTTP: headers sent with every request.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    // Settings with a default are settable, not init-only: the source-generated reader sets every init-only property
    // it does not find in the JSON to 0, losing the default.
    /// <summary>How many of its calls may run at once, across all its tools (default 4).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Seconds a call may take before it fails (default 60).</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>The first restart's delay after the server dies, in milliseconds (default 500); each failed restart
    /// doubles it, up to <see cref="MaxRestartDelayMs"/>.</summary>
    public int RestartDelayMs { get; set; } = 500;

    /// <summary>The longest delay between restarts, in milliseconds (default 30000).</summary>
    public int MaxRestartDelayMs { get; set; } = 30_000;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The message names the setting and what is allowed.</exception>
    public void Validate()
    {
        string label = string.IsNullOrEmpty(Name) ? "an MCP server" : $"MCP server '{Name}'";
        if (string.IsNullOrEmpty(Name) || Name.Length > 32 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"{label}: name must be 1-32 letters, digits, '_' or '-' (it prefixes the tools' names: name.tool).");
        }
        if ((Command is null) == (Url is null))
        {
            throw new ArgumentException($"{label}: set exactly one of command (a program speaking MCP on stdio) and url (a Streamable HTTP endpoint).");
        }
        if (Command is { Length: 0 })
        {
            throw new ArgumentException($"{label}: command is empty; name the program to start.");
        }
        if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ArgumentException($"{label}: url '{Url}' is not an http(s) URL.");
        }
        if (Url is not null && (Args is not null || Env is not null || WorkingDirectory is not null || Sandbox))
        {
            throw new ArgumentException($"{label}: args, env, working_directory and sandbox apply to command servers only, not to url servers.");
        }
        if (Command is not null && Headers is not null)
        {
            throw new ArgumentException($"{label}: headers apply to url servers only.");
        }
        if (MaxConcurrency is < 1 or > 1024)
        {
            throw new ArgumentException($"{label}: max_concurrency must be between 1 and 1024, not {MaxConcurrency}.");
        }
        if (!(TimeoutSeconds > 0))
        {
            throw new ArgumentException($"{label}: timeout_seconds must be above 0, not {TimeoutSeconds}.");
        }
        if (RestartDelayMs < 1 || MaxRestartDelayMs < RestartDelayMs)
        {
            throw new ArgumentException($"{label}: restart_delay_ms must be at least 1 and max_restart_delay_ms at least restart_delay_ms.");
        }
    }
}
