using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Docs;

/// <summary>
/// The paper (<c>./build.sh paper</c>, AgentOS.Bench/Paper) built from a made-up report (Fixtures/paper-report, a test
/// fixture in the report's results.json contract): it prints to PDF with Chromium, and pdftotext finds in the PDF every
/// section title and every headline figure as the page formats it. The expected strings are written out here, not
/// computed by the builder, so a change in how the builder formats or lays out the paper is caught.
/// </summary>
public sealed class PaperTests
{
    private static readonly string[] SectionTitles =
    [
        "AgentOS: a zero-dependency kernel for LLM agents, and what it measures",
        "1. The problem",
        "2. The design",
        "3. The scheduling analysis",
        "4. The experiments",
        "5. Comparison with AIOS and with the peers",
        "6. Limitations and threats to validity",
    ];

    // The fixture's two headline figures (0.8125 µs and 1,523,456.7 syscalls/s) as the paper prints them.
    private static readonly string[] Headlines = ["0.813 µs", "1,523,457 syscalls/s"];

    private static string Fixture => Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Fixtures", "paper-report");

    [Test(TimeoutSeconds = 300)]
    [RequiresCommand("chromium")]
    [RequiresCommand("pdftotext")]
    public async Task The_paper_builds_to_a_PDF_holding_every_section_title_and_headline_figure()
    {
        using var output = new TempDirectory("agentos-paper");
        var (exit, stdout, stderr) = await PaperAsync(["--report", Fixture, "--out", output.Path, "--check"]);
        Assert.Equal(0, exit, stdout + "\n" + stderr);
        Assert.Contains($"all {SectionTitles.Length + Headlines.Length} section titles and headline figures found", stdout);

        string text = Normalize(await PdfTextAsync(output.Combine("paper.pdf")));
        foreach (var expected in SectionTitles.Concat(Headlines))
        {
            Assert.Contains(Normalize(expected), text, "pdftotext's text of the paper");
        }

        // Every part of the report is on the page: the figures with baselines and ratios, the peers (one not run,
        // saying why), the targets, both charts embedded, the opportunities, and where the numbers came from.
        string html = await File.ReadAllTextAsync(output.Combine("paper.html"));
        foreach (var part in new[]
        {
            "3.4 µs", "4.18×", "41,250 writes/s", "642 writes/s", "64.3×", "modelled", "not run: fixture peer not installed", "9.75",
            "Fixture: 1.3x completed", "Chart 2. Fixture throughput against agents", "fixture audit append",
            "fixture0000000000000000000000000000000000", "FIXTURE machine, 2 cores, Linux", "a quick run",
        })
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(part), html);
        }
        Assert.Contains("<td>Fixture: 1.3x completed</td><td><strong>not met</strong></td>", html);
        Assert.Equal(4, html.Split("src=\"data:image/svg+xml;base64,").Length - 1, "the two diagrams and the two charts are embedded");
        Assert.DoesNotContain("{{", html);
    }

    [Test(TimeoutSeconds = 300)]
    [RequiresCommand("chromium")]
    [RequiresCommand("pdftotext")]
    public async Task The_check_fails_naming_a_headline_figure_the_PDF_does_not_show()
    {
        using var folder = new TempDirectory("agentos-paper-hidden");
        // A page that renders the headlines but hides them from print: the HTML has them, the PDF does not.
        string template = folder.Combine("hidden.html");
        await File.WriteAllTextAsync(template, "<html><body><h1>Hidden figures</h1><h2>Only section</h2><div style=\"display:none\">{{headlines}}</div></body></html>");

        var (exit, _, stderr) = await PaperAsync(["--report", Fixture, "--out", folder.Combine("out"), "--template", template, "--check"]);
        Assert.Equal(1, exit, stderr);
        Assert.Contains("2 of 4 expected texts are not in", stderr);
        foreach (var headline in Headlines)
        {
            Assert.Contains($"missing: {headline}", stderr);
        }
        Assert.DoesNotContain("missing: Only section", stderr);
    }

    [Test(TimeoutSeconds = 300)]
    public async Task Without_a_report_the_paper_says_to_run_the_report_first()
    {
        using var empty = new TempDirectory("agentos-paper-noreport");
        var (exit, stdout, stderr) = await PaperAsync(["--report", empty.Path, "--out", empty.Combine("out")]);
        Assert.Equal(1, exit, stdout + "\n" + stderr);
        Assert.Contains($"no report at {Path.Combine(empty.Path, "results.json")}", stderr);
        Assert.Contains("Run `./build.sh report`", stderr);
        Assert.False(Directory.Exists(empty.Combine("out")), "nothing is written without a report");
    }

    [Test(TimeoutSeconds = 300)]
    public async Task An_unknown_placeholder_in_the_template_is_an_error_not_text()
    {
        using var folder = new TempDirectory("agentos-paper-placeholder");
        string template = folder.Combine("bad.html");
        await File.WriteAllTextAsync(template, "<html><body><h1>T</h1><p>{{figures}} {{no_such_thing}}</p></body></html>");
        var (exit, _, stderr) = await PaperAsync(["--report", Fixture, "--out", folder.Combine("out"), "--template", template]);
        Assert.Equal(1, exit, stderr);
        Assert.Contains("unknown placeholder {{no_such_thing}}", stderr);
    }

    [Test(TimeoutSeconds = 300)]
    [RequiresCommand("chromium")]
    public async Task A_machine_written_as_the_benchs_object_reads_as_text()
    {
        using var folder = new TempDirectory("agentos-paper-machine");
        Directory.CreateDirectory(folder.Combine("report"));
        string results = await File.ReadAllTextAsync(Path.Combine(Fixture, "results.json"));
        await File.WriteAllTextAsync(folder.Combine("report", "results.json"), results
            .Replace("\"FIXTURE machine, 2 cores, Linux\"", "{\"processor\": \"Fixture CPU\", \"cores\": 2, \"os\": \"Linux\"}", StringComparison.Ordinal)
            .Replace("\"charts\": [", "\"charts\": [], \"unused_charts\": [", StringComparison.Ordinal));
        string template = folder.Combine("machine.html");
        await File.WriteAllTextAsync(template, "<html><body><h1>On {{machine}}</h1></body></html>");

        var (exit, stdout, stderr) = await PaperAsync(["--report", folder.Combine("report"), "--out", folder.Combine("out"), "--template", template]);
        Assert.Equal(0, exit, stdout + "\n" + stderr);
        Assert.Contains("<h1>On Fixture CPU, 2 cores, Linux</h1>", await File.ReadAllTextAsync(folder.Combine("out", "paper.html")));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> PaperAsync(string[] arguments)
    {
        using var paper = ChildProcess.StartDotnet(RepoPaths.BenchDll, ["paper", .. arguments], RepoPaths.Root);
        int exit = await paper.WaitForExitAsync(TimeSpan.FromMinutes(4));
        return (exit, paper.Stdout, paper.Stderr);
    }

    private static async Task<string> PdfTextAsync(string pdf)
    {
        using var pdftotext = ChildProcess.Start("pdftotext", ["-enc", "UTF-8", pdf, "-"]);
        Assert.Equal(0, await pdftotext.WaitForExitAsync(TimeSpan.FromMinutes(1)), pdftotext.Stderr);
        return pdftotext.Stdout;
    }

    // PDF text breaks lines where the layout did and may use compatibility characters (the micro sign, ligatures).
    private static string Normalize(string text) =>
        string.Join(' ', text.Normalize(System.Text.NormalizationForm.FormKC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
