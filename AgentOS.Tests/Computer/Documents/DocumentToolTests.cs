using AgentOS.Computer.Documents;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Computer.Documents;

/// <summary>The document tools' behaviour: ranges, edits that fail cleanly, listings, and text extraction from real
/// PDF, HTML, Markdown and DOCX files.</summary>
public sealed class DocumentToolTests
{
    private sealed class Fixture : IDisposable
    {
        public readonly TempDirectory Workspace = new("agentos-doctools");
        public readonly ToolRegistry Tools = new();

        public Fixture(DocumentToolOptions? options = null)
        {
            Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
            DocumentTools.Register(Tools, new DirectSessionHost(Workspace.Path).Resolver, options: options);
        }

        public Task<ToolOutput> Call(string tool, object args) => Tools.CallAsync(tool, args);

        public string File(string path) => System.IO.File.ReadAllText(Workspace.Combine(path));

        public void Dispose() => Workspace.Dispose();
    }

    [Test]
    public async Task EditReplacesExactlyOneMatchAndRefusesAbsentOrAmbiguousOnesWithoutChangingTheFile()
    {
        using var f = new Fixture();
        await f.Call("document.write", new { SessionId = "s1", Path = "src/app.py", Content = "x = 1\ny = 1\nz = 2\n" });

        var absent = await f.Call("document.edit", new { SessionId = "s1", Path = "src/app.py", OldText = "w = 1", NewText = "w = 3" });
        Assert.Equal("no_match", absent.ErrorCode());
        Assert.Contains("not found", absent.Text);

        var ambiguous = await f.Call("document.edit", new { SessionId = "s1", Path = "src/app.py", OldText = " = 1", NewText = " = 9" });
        Assert.Equal("ambiguous_match", ambiguous.ErrorCode());
        Assert.Equal(2, ambiguous.Structured!.Value.GetProperty("error").GetProperty("count").GetInt32());
        Assert.Contains("occurs 2 times", ambiguous.Text);
        Assert.Equal("x = 1\ny = 1\nz = 2\n", f.File("src/app.py"));

        var one = await f.Call("document.edit", new { SessionId = "s1", Path = "src/app.py", OldText = "y = 1", NewText = "y = 42" });
        Assert.False(one.IsError, one.Text);
        Assert.Equal(1, one.Structured!.Value.GetProperty("replacements").GetInt32());
        Assert.Equal("x = 1\ny = 42\nz = 2\n", f.File("src/app.py"));

        var all = await f.Call("document.edit", new { SessionId = "s1", Path = "src/app.py", OldText = " = ", NewText = "=", ReplaceAll = true });
        Assert.Equal(3, all.Structured!.Value.GetProperty("replacements").GetInt32());
        Assert.Equal("x=1\ny=42\nz=2\n", f.File("src/app.py"));
        Assert.Equal("not_found", (await f.Call("document.edit", new { SessionId = "s1", Path = "nope.py", OldText = "a", NewText = "b" })).ErrorCode());
    }

    [Test]
    public async Task ReadReturnsLineAndByteRangesAndStatesTruncation()
    {
        using var f = new Fixture(new DocumentToolOptions { MaxReadBytes = 20 });
        string text = string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n"));
        await f.Call("document.write", new { SessionId = "s1", Path = "t.txt", Content = text });

        var lines = await f.Call("document.read", new { SessionId = "s1", Path = "t.txt", StartLine = 3, EndLine = 4 });
        Assert.Equal("line 3\nline 4\n", lines.Text);
        Assert.Equal(10, lines.Structured!.Value.GetProperty("total_lines").GetInt32());

        var capped = await f.Call("document.read", new { SessionId = "s1", Path = "t.txt" });
        Assert.True(capped.Structured!.Value.GetProperty("truncated").GetBoolean());
        Assert.Equal("line 1\nline 2\n", capped.Structured!.Value.GetProperty("content").GetString());
        Assert.Contains("[truncated: lines 1-2 shown of 10; read from line 3 for more]", capped.Text);

        var bytes = await f.Call("document.read", new { SessionId = "s1", Path = "t.txt", Offset = 7, Length = 6 });
        Assert.Equal("line 2", bytes.Text);

        await f.Call("document.write", new { SessionId = "s1", Path = "b.bin", Content = Convert.ToBase64String([0, 1, 2, 255]), Encoding = "base64" });
        var binary = await f.Call("document.read", new { SessionId = "s1", Path = "b.bin" });
        Assert.Equal("base64", binary.Structured!.Value.GetProperty("encoding").GetString());
        Assert.SequenceEqual(new byte[] { 0, 1, 2, 255 }, Convert.FromBase64String(binary.Structured!.Value.GetProperty("content").GetString()!));
    }

    [Test]
    public async Task ReadingAWholeFileGivesBackExactlyItsText()
    {
        // A last line without a newline, and Windows line ends: a read that added or rewrote them would make an agent's
        // read-modify-write change the file in places it never touched.
        using var f = new Fixture();
        const string text = "first\r\nsecond\r\nno newline at the end";
        await f.Call("document.write", new { SessionId = "s1", Path = "crlf.txt", Content = text });

        var whole = await f.Call("document.read", new { SessionId = "s1", Path = "crlf.txt" });
        Assert.Equal(text, whole.Structured!.Value.GetProperty("content").GetString());
        Assert.Equal(3, whole.Structured!.Value.GetProperty("total_lines").GetInt32());
        var middle = await f.Call("document.read", new { SessionId = "s1", Path = "crlf.txt", StartLine = 2, EndLine = 2 });
        Assert.Equal("second\r\n", middle.Structured!.Value.GetProperty("content").GetString());
    }

    [Test]
    public async Task WriteAppendsAndListShowsSymlinksWithoutFollowingThem()
    {
        using var f = new Fixture();
        await f.Call("document.write", new { SessionId = "s1", Path = "logs/a.log", Content = "one\n" });
        var appended = await f.Call("document.write", new { SessionId = "s1", Path = "logs/a.log", Content = "two\n", Append = true });
        Assert.True(appended.Structured!.Value.GetProperty("appended").GetBoolean());
        Assert.Equal("one\ntwo\n", f.File("logs/a.log"));
        File.CreateSymbolicLink(f.Workspace.Combine("logs", "etc"), "/etc");

        var list = await f.Call("document.list", new { SessionId = "s1", Path = ".", Recursive = true });
        Assert.Equal("logs/\nlogs/a.log  (8 bytes)\nlogs/etc -> /etc\n", list.Text);
        var entries = list.Structured!.Value.GetProperty("entries");
        Assert.Equal(3, entries.GetArrayLength());
        Assert.Equal("symlink", entries[2].GetProperty("type").GetString());
    }

    [Test]
    public async Task HtmlBecomesReadableTextWithoutScriptsStylesOrTags()
    {
        using var f = new Fixture();
        const string Html = """
            <!DOCTYPE html><html><head><title>Report &amp; Notes</title><style>body { color: red }</style>
            <script>var secret = "<p>not text</p>";</script></head>
            <body><h1>Quarterly   results</h1><p>Revenue grew <b>12&nbsp;%</b> &mdash; see &lt;table&gt;.</p>
            <!-- a comment -->
            <ul><li>North</li><li>South<ol><li>Coast</li><li>Inland</li></ol></li></ul>
            <table><tr><th>Region</th><th>Sales</th></tr><tr><td>North</td><td>10</td></tr></table>
            <p>Line one<br>Line two</p><pre>  keep   spacing</pre><img src="x.png" alt="chart"></body></html>
            """;
        await f.Call("document.write", new { SessionId = "s1", Path = "page.html", Content = Html });
        var result = await f.Call("document.extract", new { SessionId = "s1", Path = "page.html" });
        Assert.Equal("html", result.Structured!.Value.GetProperty("format").GetString());
        Assert.Equal("""
            Report & Notes

            # Quarterly results

            Revenue grew 12 % — see <table>.

            - North
            - South
              1. Coast
              2. Inland

            Region | Sales
            North | 10

            Line one
            Line two

              keep   spacing

            [image: chart]

            """, result.Text);
    }

    [Test]
    public async Task DocxParagraphsHeadingsTablesAndBreaksComeOutAsText()
    {
        using var f = new Fixture();
        var docx = DocumentFixtures.Docx("""
            <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Plan</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">First </w:t></w:r><w:r><w:t>paragraph</w:t><w:br/><w:t>after a break</w:t></w:r></w:p>
            <w:p><w:r><w:delText>deleted words</w:delText><w:t>kept</w:t><w:tab/><w:t>tabbed</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B1</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:t>A2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>a bullet</w:t></w:r></w:p>
            """);
        await f.Call("document.write", new { SessionId = "s1", Path = "plan.docx", Content = Convert.ToBase64String(docx), Encoding = "base64" });
        var result = await f.Call("document.extract", new { SessionId = "s1", Path = "plan.docx" });
        Assert.False(result.IsError, result.Text);
        Assert.Equal("# Plan\nFirst paragraph\nafter a break\nkept\ttabbed\nA1 | B1\nA2 | B2\n- a bullet\n", result.Text);

        await f.Call("document.write", new { SessionId = "s1", Path = "fake.docx", Content = "not a zip" });
        Assert.Equal("unreadable", (await f.Call("document.extract", new { SessionId = "s1", Path = "fake.docx" })).ErrorCode());
    }

    [Test]
    [RequiresCommand("pdftotext")]
    public async Task PdfTextComesFromPdftotextRunThroughTheSessionHost()
    {
        using var f = new Fixture();
        var pdf = DocumentFixtures.Pdf("Hello from page one", "Second page (with parens)");
        File.WriteAllBytes(f.Workspace.Combine("report.pdf"), pdf);
        var result = await f.Call("document.extract", new { SessionId = "s1", Path = "report.pdf" });
        Assert.False(result.IsError, result.Text);
        Assert.Equal("Hello from page one\n\n\fSecond page (with parens)\n\n\f", result.Structured!.Value.GetProperty("text").GetString());
        Assert.Equal(2, result.Structured!.Value.GetProperty("pages").GetInt32());

        var second = await f.Call("document.extract", new { SessionId = "s1", Path = "report.pdf", FirstPage = 2 });
        Assert.Equal("Second page (with parens)\n\n\f", second.Structured!.Value.GetProperty("text").GetString());

        File.WriteAllBytes(f.Workspace.Combine("broken.pdf"), "%PDF-1.4\ngarbage"u8.ToArray());
        var broken = await Assert.ThrowsAsync<AgentOS.Syscalls.Errors.InvalidRequestException>(() => f.Call("document.extract", new { SessionId = "s1", Path = "broken.pdf" }));
        Assert.Contains("pdftotext could not read the PDF", broken.Message);
    }

    [Test]
    public async Task MarkdownAndTextComeBackAsTheyAreAndLongTextIsTruncatedSayingSo()
    {
        using var f = new Fixture(new DocumentToolOptions { MaxExtractChars = 10 });
        await f.Call("document.write", new { SessionId = "s1", Path = "README.md", Content = "# Title\n\nBody" });
        var md = await f.Call("document.extract", new { SessionId = "s1", Path = "README.md" });
        Assert.Equal("markdown", md.Structured!.Value.GetProperty("format").GetString());
        Assert.Equal("# Title\n\nB", md.Structured!.Value.GetProperty("text").GetString());
        Assert.Contains("[truncated: the first 10 of 13 characters are shown]", md.Text);
    }
}
