using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Documents;

internal static partial class DocumentOperations
{
    public static async Task<ToolOutput> ExtractAsync(Workspace workspace, ISessionHost host, JsonElement args, TimeProvider time, DocumentToolOptions limits, CancellationToken cancellationToken)
    {
        string requested = ToolArguments.String(args, "path");
        string format = ToolArguments.OptionalString(args, "format") ?? "auto";
        long? firstPage = ToolArguments.Integer(args, "first_page", 1);
        long? lastPage = ToolArguments.Integer(args, "last_page", 1);
        // The bytes are read here, through the safe resolver, and handed to converters on stdin: a converter never
        // opens a path a session could have swapped.
        var (bytes, path) = workspace.ReadAllBytes(requested, limits.MaxFileBytes);
        if (format == "auto")
        {
            format = Detect(path, bytes);
        }
        string text;
        int? pages = null;
        switch (format)
        {
            case "pdf":
                (text, pages) = await PdfAsync(host, bytes, firstPage, lastPage, time, limits, cancellationToken).ConfigureAwait(false);
                break;
            case "html":
                text = HtmlText.ToText(Utf8(bytes));
                break;
            case "docx":
                try
                {
                    text = DocxText.ToText(new MemoryStream(bytes, writable: false));
                }
                catch (Exception ex) when (ex is InvalidDataException or System.Xml.XmlException)
                {
                    return DocumentTools.Error("unreadable", $"'{path}' is not a readable Word document: {ex.Message}");
                }
                break;
            case "markdown" or "text":
                if (bytes.AsSpan().Contains((byte)0))
                {
                    return DocumentTools.Error("unsupported_format", $"'{path}' is binary; extract reads PDF, HTML, Markdown, DOCX and text files.");
                }
                text = Utf8(bytes);
                break;
            default:
                throw new InvalidRequestException($"format must be auto, pdf, html, markdown, docx or text, not '{format}'.");
        }
        bool truncated = text.Length > limits.MaxExtractChars;
        long chars = text.Length;
        if (truncated)
        {
            text = text[..limits.MaxExtractChars];
        }
        var result = new DocumentExtractResult(path, format, text, chars, truncated) { Pages = pages };
        string note = truncated ? $"\n[truncated: the first {limits.MaxExtractChars} of {chars} characters are shown]" : "";
        return new ToolOutput(text + note)
        {
            Structured = JsonSerializer.SerializeToElement(result, AgentOSJsonContext.Default.DocumentExtractResult),
        };
    }

    private static string Detect(string path, byte[] bytes)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (bytes.AsSpan().StartsWith("%PDF-"u8) || extension == ".pdf")
        {
            return "pdf";
        }
        return extension switch
        {
            ".html" or ".htm" or ".xhtml" => "html",
            ".md" or ".markdown" => "markdown",
            ".docx" => "docx",
            _ when bytes.AsSpan().StartsWith("PK\u0003\u0004"u8) => "docx",
            _ when LooksLikeHtml(bytes) => "html",
            _ => "text",
        };
    }

    private static bool LooksLikeHtml(byte[] bytes)
    {
        var head = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 512)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(string Text, int Pages)> PdfAsync(ISessionHost host, byte[] bytes, long? firstPage, long? lastPage, TimeProvider time, DocumentToolOptions limits, CancellationToken cancellationToken)
    {
        var argv = new List<string> { limits.PdfToText, "-enc", "UTF-8" };
        if (firstPage is { } f)
        {
            argv.AddRange(["-f", f.ToString(CultureInfo.InvariantCulture)]);
        }
        if (lastPage is { } l)
        {
            argv.AddRange(["-l", l.ToString(CultureInfo.InvariantCulture)]);
        }
        argv.AddRange(["-", "-"]);
        // Runs inside the session's sandbox: a hostile PDF attacks a parser that can reach nothing but the session.
        var run = await SessionProcess.RunAsync(host, argv, bytes, limits.ConverterTimeout, time, limits.MaxExtractChars * 4 + 1,
            "Install poppler-utils (Debian/Ubuntu: apt-get install poppler-utils) and make pdftotext visible in the session.", cancellationToken).ConfigureAwait(false);
        if (run.TimedOut)
        {
            throw new InvalidRequestException($"pdftotext did not finish within {limits.ConverterTimeout.TotalSeconds:0} s; extract fewer pages (first_page, last_page).");
        }
        if (run.ExitCode != 0)
        {
            throw new InvalidRequestException($"pdftotext could not read the PDF (exit code {run.ExitCode}): {run.Stderr.Trim()}");
        }
        string text = Utf8(run.Stdout);
        int pages = text.Count(c => c == '\f');
        return (text, pages);
    }

    private static string Utf8(byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }
        return Encoding.UTF8.GetString(span);
    }
}
