namespace AgentOS.Bench.Paper;

/// <summary>
/// <c>dotnet run --project AgentOS.Bench -c Release -- paper [--report DIR] [--out DIR] [--check]</c>: fills
/// docs/paper/paper.html (or <c>--template FILE</c>) from the report's results.json and charts, writes paper.html and prints it to paper.pdf with
/// headless Chromium. <c>--check</c> then reads the PDF back with pdftotext and fails unless every section title and
/// every headline figure is in it (the CI check). Exit codes: 0 built (and checked), 1 failed, 2 usage error.
/// </summary>
internal static class PaperCommand
{
    private const string Usage = "usage: dotnet run --project AgentOS.Bench -c Release -- paper [--report DIR] [--out DIR] [--template FILE] [--check]";

    public static int Execute(string[] args)
    {
        string? report = null, output = null, templatePath = null;
        bool check = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--report" when i + 1 < args.Length:
                    report = Path.GetFullPath(args[++i]);
                    break;
                case "--out" when i + 1 < args.Length:
                    output = Path.GetFullPath(args[++i]);
                    break;
                case "--template" when i + 1 < args.Length:
                    templatePath = Path.GetFullPath(args[++i]);
                    break;
                case "--check":
                    check = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"paper: unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        try
        {
            string root = FindRepoRoot();
            report ??= Path.Combine(root, "docs", "report");
            output ??= Path.Combine(root, "artifacts", "paper");
            var results = ReportResults.Load(report);
            templatePath ??= Path.Combine(root, "docs", "paper", "paper.html");
            if (!File.Exists(templatePath))
            {
                throw new PaperException($"no paper template at {templatePath}: restore docs/paper/paper.html, or name one with --template FILE.");
            }
            string template = File.ReadAllText(templatePath);
            Directory.CreateDirectory(output);
            string html = Path.Combine(output, "paper.html"), pdf = Path.Combine(output, "paper.pdf");
            File.WriteAllText(html, PaperRenderer.Render(template, results, report, root));
            Console.WriteLine($"paper: {html} (from {Path.Combine(report, ReportResults.FileName)}, commit {results.Commit}{(results.Quick ? ", a quick run" : "")})");
            PdfPrinter.Print(html, pdf);
            Console.WriteLine($"paper: {pdf}");
            if (check)
            {
                var expected = PaperRenderer.SectionTitles(template).Concat(PaperRenderer.HeadlineTexts(results)).ToList();
                var missing = PaperCheck.Missing(pdf, expected);
                if (missing.Count > 0)
                {
                    Console.Error.WriteLine($"paper --check: {missing.Count} of {expected.Count} expected texts are not in {pdf}:");
                    foreach (var text in missing)
                    {
                        Console.Error.WriteLine($"  missing: {text}");
                    }
                    return 1;
                }
                Console.WriteLine($"paper --check: all {expected.Count} section titles and headline figures found in the PDF's text");
            }
            return 0;
        }
        catch (PaperException e)
        {
            Console.Error.WriteLine($"paper: {e.Message}");
            return 1;
        }
    }

    // The repository this builder belongs to (where its template is): above the built DLL, else above the working folder.
    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new PaperException("cannot find the repository (the folder holding AgentOS.slnx) above the builder or the working folder.");
    }
}
