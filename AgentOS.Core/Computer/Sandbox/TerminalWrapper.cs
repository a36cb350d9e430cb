namespace AgentOS.Computer.Sandbox;

/// <summary>
/// The few lines of bash that put a program on a pseudo-terminal inside a sandbox: open the slave by path as
/// standard input, output and error, set it up, then make it the program's controlling terminal in a new session
/// (<c>setsid -w -c</c>: Ctrl-C from the master reaches the program; <c>-w</c> keeps the exit status).
/// </summary>
internal static class TerminalWrapper
{
    // -onlcr: "\n" stays "\n" in what the model reads (a terminal would send "\r\n"); a fixed size so programs that
    // lay out text (less, top) have one.
    private const string Script = "exec <\"$0\" >\"$0\" 2>&1 || exit 126; stty -onlcr rows 40 cols 120 2>/dev/null; exec setsid -w -c \"$@\"";

    /// <summary>A plain terminal: programs that would draw with escape codes mostly do not.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["TERM"] = "dumb" };

    /// <summary><paramref name="argv"/> run on the terminal at <paramref name="terminalPath"/> (as the sandbox sees it).</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> argv, string terminalPath)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("argv is empty: give the program to run.", nameof(argv));
        }
        return ["/bin/bash", "-c", Script, terminalPath, .. argv];
    }
}
