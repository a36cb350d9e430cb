using System.Runtime.Versioning;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Documents;

/// <summary>
/// The <c>document.*</c> tools: list, read (line or byte ranges), write, edit (exact search and replace) and extract
/// text (PDF through pdftotext inside the session's sandbox, HTML, Markdown, DOCX) in a session's workspace. Every
/// path is workspace-relative and resolved safely (<see cref="Workspace"/>); a refusal is an error result with a
/// stable code, and changes nothing. Schemas: docs/computer-tools.md.
/// </summary>
public static partial class DocumentTools
{
    /// <summary>The tools' names.</summary>
    public static readonly IReadOnlyList<string> Names = ["document.list", "document.read", "document.write", "document.edit", "document.extract"];

    /// <summary>Registers the five document tools.</summary>
    /// <param name="registry">Where to register them.</param>
    /// <param name="sessions">Finds the caller's session named by a call's <c>session_id</c>.</param>
    /// <param name="time">The clock converters' timeouts run on.</param>
    /// <param name="options">Limits; defaults when null.</param>
    public static void Register(ToolRegistry registry, SessionResolver sessions, TimeProvider? time = null, DocumentToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(sessions);
        var clock = time ?? TimeProvider.System;
        var limits = options ?? new DocumentToolOptions();
        var run = OperatingSystem.IsLinux() ? Bodies(clock, limits) : null;
        Add(registry, "document.list", "Lists a folder of the session's workspace (path relative to it; '.' for its root), optionally recursively. Symlinks are shown, not followed.",
            ListSchema, ListOutputSchema, idempotent: true, sessions, run?[0]);
        Add(registry, "document.read", "Reads a text file of the workspace: a line range (start_line, end_line, 1-based, inclusive) or a byte range (offset, length). Binary content comes back base64-encoded.",
            ReadSchema, ReadOutputSchema, idempotent: true, sessions, run?[1]);
        Add(registry, "document.write", "Writes a file of the workspace (creating folders on the way), replacing it or appending to it. content is UTF-8 text, or base64 with encoding 'base64'.",
            WriteSchema, WriteOutputSchema, idempotent: false, sessions, run?[2]);
        Add(registry, "document.edit", "Replaces old_text with new_text in a workspace file. old_text must occur exactly once (or set replace_all); an absent or ambiguous match fails and changes nothing.",
            EditSchema, EditOutputSchema, idempotent: false, sessions, run?[3]);
        Add(registry, "document.extract", "Extracts readable text from a workspace document: PDF (pdftotext, optional first_page/last_page), HTML (text, not tags), Markdown, DOCX, or plain text.",
            ExtractSchema, ExtractOutputSchema, idempotent: true, sessions, run?[4]);
    }

    [SupportedOSPlatform("linux")]
    private static Body[] Bodies(TimeProvider clock, DocumentToolOptions limits) =>
    [
        (host, a, _) => Task.FromResult(DocumentOperations.List(Workspace.Of(host), a, limits)),
        (host, a, _) => Task.FromResult(DocumentOperations.Read(Workspace.Of(host), a, limits)),
        (host, a, _) => Task.FromResult(DocumentOperations.Write(Workspace.Of(host), a)),
        (host, a, _) => Task.FromResult(DocumentOperations.Edit(Workspace.Of(host), a, limits)),
        (host, a, ct) => DocumentOperations.ExtractAsync(Workspace.Of(host), host, a, clock, limits, ct),
    ];

    private delegate Task<ToolOutput> Body(ISessionHost host, JsonElement arguments, CancellationToken cancellationToken);

    private static void Add(ToolRegistry registry, string name, string description, string schema, string outputSchema, bool idempotent,
        SessionResolver sessions, Body? body)
    {
        using var parameters = JsonDocument.Parse(schema);
        using var output = JsonDocument.Parse(outputSchema);
        registry.Register(new ToolDefinition
        {
            Name = name,
            Description = description,
            ParametersSchema = parameters.RootElement.Clone(),
            OutputSchema = output.RootElement.Clone(),
            Idempotent = idempotent,
            MaxConcurrency = 16,
            Run = async (context, arguments, cancellationToken) =>
            {
                var host = sessions(context, ToolArguments.String(arguments, "session_id"));
                if (body is null)
                {
                    throw new CapabilityNotSupportedException("The document tools resolve workspace paths with openat(2) and run on Linux only.");
                }
                try
                {
                    return await body(host, arguments, cancellationToken).ConfigureAwait(false);
                }
                catch (WorkspacePathException ex)
                {
                    return Error(Snake(ex.Error.ToString()), ex.Message);
                }
            },
        });
    }

    internal static ToolOutput Error(string code, string message, int? count = null) => new(message)
    {
        IsError = true,
        Structured = JsonSerializer.SerializeToElement(new DocumentErrorResult(new DocumentError(code, message) { Count = count }), AgentOSJsonContext.Default.DocumentErrorResult),
    };

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
