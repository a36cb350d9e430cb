namespace AgentOS.Computer.Code;

// The code tool's wire shapes: its structured result (ToolOutput.Structured, snake_case through AgentOSJsonContext;
// docs/computer-tools.md shows it) and the frames exchanged with the interpreter's driver program.

/// <summary>code.run's result.</summary>
internal sealed record CodeRunResult(string SessionId, string Language)
{
    public string? Version { get; init; }
    public int ExecutionCount { get; init; }
    public string Stdout { get; init; } = "";
    public string Stderr { get; init; } = "";
    public long StdoutBytes { get; init; }
    public long StderrBytes { get; init; }
    public bool StdoutTruncated { get; init; }
    public bool StderrTruncated { get; init; }
    public string? Value { get; init; }
    public string? ValueType { get; init; }
    public bool ValueTruncated { get; init; }
    public CodeError? Error { get; init; }
    public IReadOnlyList<CodeFileChange>? Files { get; init; }
    public bool FilesTruncated { get; init; }
    public bool TimedOut { get; init; }
    public bool StateLost { get; init; }
    public string? Note { get; init; }
    public double DurationMs { get; init; }
}

/// <summary>An exception the code raised (or a timeout, or the interpreter's exit), with its traceback.</summary>
internal sealed record CodeError(string Type, string Message, string Traceback);

/// <summary>A workspace file a call created, modified or deleted.</summary>
/// <param name="Path">Workspace-relative.</param>
/// <param name="Change"><c>created</c>, <c>modified</c> or <c>deleted</c>.</param>
/// <param name="Size">Bytes now (absent for a deleted file or a symlink).</param>
internal sealed record CodeFileChange(string Path, string Change, long? Size);

/// <summary>A request to the driver: run this code, capping each output at this many bytes.</summary>
internal sealed record CodeDriverRequest(string Code, int MaxOutputBytes);

/// <summary>A frame from the driver: the ready frame (<see cref="Ready"/>, <see cref="Version"/>) or a call's reply.</summary>
internal sealed record CodeDriverReply
{
    public bool Ready { get; init; }
    public string? Version { get; init; }
    public string? Stdout { get; init; }
    public long StdoutBytes { get; init; }
    public string? Stderr { get; init; }
    public long StderrBytes { get; init; }
    public string? Value { get; init; }
    public string? ValueType { get; init; }
    public bool ValueTruncated { get; init; }
    public CodeError? Error { get; init; }
}
