namespace AgentOS.Computer.Browser.Cdp;

/// <summary>How <see cref="ChromiumProcess"/> starts a browser.</summary>
public sealed record ChromiumLaunchOptions
{
    /// <summary>The browser's executable as the started process sees it; <see cref="ChromiumProcess.FindExecutable"/>
    /// when null.</summary>
    public string? ExecutablePath { get; init; }

    /// <summary>The profile folder as the started process sees it. When null, a launch outside any sandbox creates a
    /// temporary one and deletes it on dispose; a launch through a start-info factory must name one (its own
    /// <c>/tmp</c> inside a sandbox, say).</summary>
    public string? UserDataDirectory { get; init; }

    /// <summary><c>--proxy-server</c> (for example <c>http://127.0.0.1:3128</c>), or null for none.</summary>
    public string? ProxyServer { get; init; }

    /// <summary><c>--proxy-bypass-list</c>. With a proxy and no list given, <c>&lt;-loopback&gt;</c>: Chromium sends
    /// loopback directly by default, which would go around the proxy's allow-list.</summary>
    public string? ProxyBypassList { get; init; }

    /// <summary>The viewport of new pages, in CSS pixels. Default 1280×800.</summary>
    public int WindowWidth { get; init; } = 1280;

    /// <inheritdoc cref="WindowWidth"/>
    public int WindowHeight { get; init; } = 800;

    /// <summary>More flags, appended after the defaults.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The connection's <see cref="CdpConnection.CommandTimeout"/> once the browser is up. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the browser may take to answer its first command. Default 30 s (a loaded 2-core machine).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
