namespace AgentOS.Computer.Documents;

/// <summary>Limits of the <c>document.*</c> tools.</summary>
public sealed class DocumentToolOptions
{
    /// <summary>The most bytes one read returns (the rest is reported as truncated). Default 256 KiB.</summary>
    public int MaxReadBytes { get; set; } = 256 * 1024;

    /// <summary>The largest file edit and extract load whole. Default 32 MiB.</summary>
    public long MaxFileBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The most characters extract returns. Default 200,000.</summary>
    public int MaxExtractChars { get; set; } = 200_000;

    /// <summary>The most entries a listing returns. Default 1,000.</summary>
    public int MaxListEntries { get; set; } = 1_000;

    /// <summary>How long a converter (pdftotext) may run. Default 60 s.</summary>
    public TimeSpan ConverterTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The pdftotext program as the sandbox finds it. Default <c>pdftotext</c>.</summary>
    public string PdfToText { get; set; } = "pdftotext";
}
