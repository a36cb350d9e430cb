using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;

namespace AgentOS.Computer.Browser.Cdp;

/// <summary>
/// A headless Chromium driven over <c>--remote-debugging-pipe</c>: no port is opened, so the browser can live in a
/// network namespace the kernel cannot reach and still be driven. Two FIFOs in a private host folder carry the pipe;
/// a shell opens them onto descriptors 3 and 4 and execs the browser (or the sandbox's launcher, which passes them
/// on), since <see cref="Process"/> cannot give a child more than its three standard streams. Disposing it closes the
/// browser and everything it started.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class ChromiumProcess : IAsyncDisposable
{
    private static readonly string[] Candidates =
        ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

    private readonly Process _process;
    private readonly string _pipeFolder;
    private readonly string? _temporaryProfile;
    private readonly Queue<string> _errorTail = new();
    private readonly TimeProvider _time;
    private int _disposed;

    private ChromiumProcess(Process process, string pipeFolder, string? temporaryProfile, TimeProvider time)
    {
        _time = time;
        _process = process;
        _pipeFolder = pipeFolder;
        _temporaryProfile = temporaryProfile;
        Connection = null!;
    }

    /// <summary>The DevTools connection to the browser.</summary>
    public CdpConnection Connection { get; private set; }

    /// <summary>The host pid of the started process (the browser, or the sandbox launcher in front of it).</summary>
    public int ProcessId { get; private set; }

    /// <summary>Whether the process has exited (always, once disposed: disposing waits for it).</summary>
    public bool HasExited => Volatile.Read(ref _disposed) != 0 || _process.HasExited;

    /// <summary>The last lines the browser wrote to standard error (Chromium logs there; useful when it fails).</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_errorTail)
            {
                return string.Join('\n', _errorTail);
            }
        }
    }

    /// <summary>
    /// The browser's executable: <c>AGENTOS_CHROMIUM</c> when set, else the first of the usual places that exists
    /// (Debian's real binary <c>/usr/lib/chromium/chromium</c> first: <c>/usr/bin/chromium</c> is a shell script that
    /// reads <c>/etc/chromium.d</c>, absent in a sandbox); <see langword="null"/> when none is installed.
    /// </summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("AGENTOS_CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }
        return Array.Find(Candidates, File.Exists);
    }

    /// <summary>The browser's command line for <paramref name="options"/> (the executable first).</summary>
    /// <exception cref="ChromiumLaunchException">No executable given and none installed.</exception>
    public static IReadOnlyList<string> CommandLine(ChromiumLaunchOptions options, string userDataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = options.ExecutablePath ?? FindExecutable()
            ?? throw new ChromiumLaunchException("Chromium is not installed: install it (Debian: apt-get install chromium) or set AGENTOS_CHROMIUM to its executable.");
        var argv = new List<string>
        {
            executable,
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--no-default-browser-check", "--disable-sync", "--disable-extensions", "--disable-breakpad",
            "--disable-crash-reporter", "--mute-audio", "--hide-scrollbars",
            // Shared memory goes to the profile's /tmp: a sandbox's /dev/shm is tiny or absent.
            "--disable-dev-shm-usage",
            "--remote-debugging-pipe",
            $"--user-data-dir={userDataDirectory}",
            string.Create(CultureInfo.InvariantCulture, $"--window-size={options.WindowWidth},{options.WindowHeight}"),
        };
        if (options.ProxyServer is { } proxy)
        {
            argv.Add($"--proxy-server={proxy}");
            argv.Add($"--proxy-bypass-list={options.ProxyBypassList ?? "<-loopback>"}");
        }
        argv.AddRange(options.ExtraArguments);
        argv.Add("about:blank");
        return argv;
    }

    /// <summary>Starts Chromium on this host, outside any sandbox (tests, tools that trust the pages they open).</summary>
    /// <exception cref="ChromiumLaunchException">It is not installed, or exited before it answered.</exception>
    public static async Task<ChromiumProcess> LaunchAsync(ChromiumLaunchOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profile = options.UserDataDirectory;
        string? temporary = null;
        if (profile is null)
        {
            temporary = profile = Directory.CreateTempSubdirectory("agentos-chromium-").FullName;
        }
        try
        {
            var argv = CommandLine(options, profile);
            return await StartAsync(options, argv, Direct, temporary, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>
    /// Starts Chromium through <paramref name="createStartInfo"/>, which turns the browser's argv (as the started
    /// process sees it) into the process to start: a session's <c>CreateStartInfo</c>, so the browser runs inside its
    /// sandbox. <see cref="ChromiumLaunchOptions.UserDataDirectory"/> is required (a folder writable in there).
    /// </summary>
    /// <exception cref="ChromiumLaunchException">It could not start, or exited before it answered.</exception>
    public static Task<ChromiumProcess> LaunchAsync(ChromiumLaunchOptions options, Func<IReadOnlyList<string>, ProcessStartInfo> createStartInfo, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createStartInfo);
        if (options.UserDataDirectory is not { Length: > 0 } profile)
        {
            throw new ArgumentException("Name the browser's profile folder (UserDataDirectory) as the started process sees it, for example /tmp/chromium inside a sandbox.", nameof(options));
        }
        return StartAsync(options, CommandLine(options, profile), createStartInfo, null, time, cancellationToken);
    }

    private static ProcessStartInfo Direct(IReadOnlyList<string> argv)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    private static void DeleteQuietly(string? folder)
    {
        if (folder is null)
        {
            return;
        }
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A renderer still flushing its cache can hold a file for a moment; the folder is in the temp area, which
            // the system cleans, and nothing secret is in it.
            Trace.TraceWarning($"Could not delete the browser profile {folder}: {e.Message}");
        }
    }
}
