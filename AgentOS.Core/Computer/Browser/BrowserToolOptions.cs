namespace AgentOS.Computer.Browser;

/// <summary>The browser tool's settings (config: <c>computer.browser</c>). Settable properties so a config that names
/// some keeps the defaults of the others.</summary>
public sealed class BrowserToolOptions
{
    /// <summary>Chromium's executable as the sandbox sees it (<c>/usr</c> is bound read-only into every sandbox);
    /// found in the usual places (or <c>AGENTOS_CHROMIUM</c>) when null.</summary>
    public string? Executable { get; set; }

    /// <summary>
    /// The browser's per-process limits, in place of the session's (its workspace's disk cap stays). Defaults: 1 TiB of
    /// address space (Chromium reserves hundreds of GiB for its heaps' cages and dies at start under the session's
    /// 2 GiB; this is not a memory limit), 512 processes and threads of the session's uid (a browser runs a few
    /// hundred threads; checked only when a browser process starts one), an hour of CPU per process (the browser lives
    /// as long as the session), 1,024 open files, 64 MiB per file.
    /// </summary>
    public Sandbox.SandboxLimits Limits { get; set; } = new(cpuSeconds: 3600, memoryBytes: 1L << 40, processes: 512, fileSizeBytes: 64L << 20, openFiles: 1024);

    /// <summary>How long a navigation (or an action that navigates) may take to load. Default 30 s.</summary>
    public TimeSpan NavigationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the browser may take to start. Default 60 s (a loaded 2-core machine).</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an action waits to see whether it started a navigation (a submitted form, a followed link)
    /// before it returns. Default 300 ms.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Characters of page text <c>browser.text</c> returns at most. Default 20,000.</summary>
    public int MaxTextChars { get; set; } = 20_000;

    /// <summary>Elements <c>browser.snapshot</c> lists at most. Default 300.</summary>
    public int MaxSnapshotElements { get; set; } = 300;

    /// <summary>Open tabs per session at most. Default 8.</summary>
    public int MaxTabs { get; set; } = 8;

    /// <summary>The viewport, in CSS pixels. Default 1280×800.</summary>
    public int ViewportWidth { get; set; } = 1280;

    /// <inheritdoc cref="ViewportWidth"/>
    public int ViewportHeight { get; set; } = 800;
}
