using System.Text;
using System.Text.RegularExpressions;

namespace AgentOS.Bench.Paper;

/// <summary>
/// The paper's CI check: the PDF exists and <c>pdftotext</c> finds in it every section title and every headline
/// figure as the page prints it. Text is compared after Unicode compatibility normalisation (ligatures, micro sign)
/// and with all whitespace runs as one space, since a PDF's text layer breaks lines where the layout did.
/// </summary>
internal static partial class PaperCheck
{
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>What the PDF lacks (empty when it passes).</summary>
    public static IReadOnlyList<string> Missing(string pdfPath, IEnumerable<string> expected)
    {
        if (!File.Exists(pdfPath))
        {
            throw new PaperException($"no PDF at {pdfPath}: build the paper first (`./build.sh paper`).");
        }
        string pdftotext = ExternalTool.FindOnPath("pdftotext")
            ?? throw new PaperException("pdftotext is needed to check the paper and is not installed: install poppler-utils (Debian: apt-get install poppler-utils).");
        var (exit, text, stderr) = ExternalTool.Run(pdftotext, ["-enc", "UTF-8", pdfPath, "-"], TimeSpan.FromMinutes(1));
        if (exit != 0)
        {
            throw new PaperException($"pdftotext could not read {pdfPath} (exit {exit}): {stderr.Trim()}");
        }
        string found = Normalize(text);
        return [.. expected.Where(e => !found.Contains(Normalize(e), StringComparison.Ordinal))];
    }

    public static string Normalize(string text) =>
        Whitespace().Replace(text.Normalize(NormalizationForm.FormKC).Replace('\u00AD'.ToString(), "", StringComparison.Ordinal), " ").Trim();
}
