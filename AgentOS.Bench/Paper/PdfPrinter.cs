using AgentOS.Computer.Browser.Cdp;

namespace AgentOS.Bench.Paper;

/// <summary>Prints the paper's HTML to PDF with headless Chromium's print-to-PDF (the browser the computer-use tools drive).</summary>
internal static class PdfPrinter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The browser: <c>AGENTOS_CHROMIUM</c>, else where the computer-use tools look, else chromium or chrome on PATH.</summary>
    public static string FindChromium() =>
        (OperatingSystem.IsLinux() ? ChromiumProcess.FindExecutable() : Environment.GetEnvironmentVariable("AGENTOS_CHROMIUM") is { Length: > 0 } set ? set : null)
        ?? ExternalTool.FindOnPath("chromium") ?? ExternalTool.FindOnPath("chrome") ?? ExternalTool.FindOnPath("msedge")
        ?? throw new PaperException("Chromium is needed to print the paper to PDF and is not installed: install it (Debian: apt-get install chromium) or set AGENTOS_CHROMIUM to its executable.");

    public static void Print(string htmlPath, string pdfPath)
    {
        string chromium = FindChromium();
        // A profile of its own: a shared one is locked by any other running browser, and a locked profile makes
        // Chromium hand the job to that browser and exit without printing.
        var profile = Directory.CreateTempSubdirectory("agentos-paper-chromium-");
        try
        {
            File.Delete(pdfPath);
            var (exit, _, stderr) = ExternalTool.Run(chromium,
                ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer", $"--user-data-dir={profile.FullName}",
                    $"--print-to-pdf={pdfPath}", new Uri(htmlPath).AbsoluteUri],
                Timeout);
            if (exit != 0 || !File.Exists(pdfPath) || new FileInfo(pdfPath).Length == 0)
            {
                throw new PaperException($"{chromium} did not print {pdfPath} (exit {exit}). Its last output:\n{Tail(stderr)}");
            }
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A helper process of the browser may still hold a file for a moment; the temp folder is the OS's to clean.
            }
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));
}
