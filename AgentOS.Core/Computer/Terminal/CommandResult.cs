namespace AgentOS.Computer.Terminal;

/// <summary>What one terminal command did.</summary>
/// <param name="Stdout">Its standard output (UTF-8), cut at the session's output cap.</param>
/// <param name="Stderr">Its standard error, cut the same way.</param>
/// <param name="ExitCode">Its exit status (128 + the signal for a killed command; 124 when it timed out).</param>
/// <param name="StdoutBytes">How many bytes it wrote to standard output in all (more than shown when truncated).</param>
/// <param name="StderrBytes">How many bytes it wrote to standard error in all.</param>
/// <param name="Duration">Wall-clock time from sending it to its end.</param>
public sealed record CommandResult(string Stdout, string Stderr, int ExitCode, long StdoutBytes, long StderrBytes, TimeSpan Duration)
{
    /// <summary>The command ran past its timeout and every process it started was killed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The command was interrupted (<c>terminal.interrupt</c>) and every process it started was killed.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The session's shell ended (the command ran <c>exit</c>, or could only be stopped by ending the shell):
    /// the next command runs in a new shell, in the workspace, with the session's initial environment.</summary>
    public bool ShellRestarted { get; init; }

    /// <summary>Standard output was longer than the cap and only its beginning is in <see cref="Stdout"/>.</summary>
    public bool StdoutTruncated { get; init; }

    /// <summary>Standard error was longer than the cap.</summary>
    public bool StderrTruncated { get; init; }
}
