using System.Diagnostics;

namespace AgentOS.Bench.Paper;

/// <summary>Runs the external programs the paper needs (Chromium, pdftotext) with a time limit, capturing their output.</summary>
internal static class ExternalTool
{
    public static (int Exit, string Stdout, string Stderr) Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new PaperException($"could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new PaperException($"{fileName} did not finish within {timeout.TotalSeconds:0} s and was stopped.");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>The full path of an executable on PATH, or <see langword="null"/>.</summary>
    public static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => OperatingSystem.IsWindows() ? [Path.Combine(dir, command + ".exe"), Path.Combine(dir, command)] : new[] { Path.Combine(dir, command) })
            .FirstOrDefault(File.Exists);
}
