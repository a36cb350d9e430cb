using System.Globalization;
using System.Text;
using AgentOS.Computer.Documents;

namespace AgentOS.Computer.Code;

public static partial class CodeTools
{
    private static readonly string RunSchema = DocumentTools.Schema("""{"type":"object","properties":{%SESSION%,"language":{"type":"string","enum":["python","node"],"description":"python (Python 3) or node (JavaScript)."},"code":{"type":"string","description":"The cell. Python: when its last statement is an expression, its value is returned. Node: the completion value of the script."},"timeout_ms":{"type":"integer","minimum":1,"description":"Kill and restart the interpreter after this long (its state is lost). Default 30000."}},"required":["session_id","language","code"]}""");

    private static readonly string RunOutputSchema = """
        {"type":"object","properties":{
        "session_id":{"type":"string"},"language":{"type":"string","enum":["python","node"]},"version":{"type":"string"},
        "execution_count":{"type":"integer","description":"Calls this interpreter has run, this one included (1 in a fresh interpreter)."},
        "stdout":{"type":"string"},"stderr":{"type":"string"},
        "stdout_bytes":{"type":"integer"},"stderr_bytes":{"type":"integer"},
        "stdout_truncated":{"type":"boolean"},"stderr_truncated":{"type":"boolean"},
        "value":{"type":"string","description":"The last expression's representation (Python repr, Node util.inspect); absent for None/undefined."},
        "value_type":{"type":"string"},"value_truncated":{"type":"boolean"},
        "error":{"type":"object","properties":{"type":{"type":"string"},"message":{"type":"string"},"traceback":{"type":"string"}},"required":["type","message","traceback"]},
        "files":{"type":"array","items":{"type":"object","properties":{"path":{"type":"string"},"change":{"type":"string","enum":["created","modified","deleted"]},"size":{"type":"integer"}},"required":["path","change"]}},
        "files_truncated":{"type":"boolean","description":"True when the workspace was too large to compare (files is then absent)."},
        "timed_out":{"type":"boolean"},"state_lost":{"type":"boolean","description":"Earlier calls' variables are gone (timeout, exit, idle expiry, cancellation)."},
        "note":{"type":"string"},"duration_ms":{"type":"number"}},
        "required":["session_id","language","execution_count","stdout","stderr","timed_out","state_lost"]}
        """;

    /// <summary>The result as a model reads it: output first, then the value or the error, then files and notes.</summary>
    private static string Describe(CodeRunResult r)
    {
        var text = new StringBuilder();
        Section(text, "stdout", r.Stdout, r.StdoutTruncated, r.StdoutBytes);
        Section(text, "stderr", r.Stderr, r.StderrTruncated, r.StderrBytes);
        if (r.Value is { } value)
        {
            text.Append(CultureInfo.InvariantCulture, $"[value: {r.ValueType}]\n{value}{(r.ValueTruncated ? "\n[value truncated]" : "")}\n");
        }
        if (r.Error is { } error)
        {
            text.Append(CultureInfo.InvariantCulture, $"[error: {error.Type}] {error.Message}\n");
            if (error.Traceback.Length > 0)
            {
                text.Append(error.Traceback.TrimEnd()).Append('\n');
            }
        }
        foreach (var file in r.Files ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $"[file {file.Change}] {file.Path}{(file.Size is { } size ? $" ({size} bytes)" : "")}\n");
        }
        if (r.FilesTruncated)
        {
            text.Append("[files not tracked: the workspace is larger than the comparison's cap]\n");
        }
        if (r.Note is { } note)
        {
            text.Append("[note] ").Append(note).Append('\n');
        }
        return text.Length == 0 ? "(no output)" : text.ToString().TrimEnd('\n');
    }

    private static void Section(StringBuilder text, string name, string content, bool truncated, long bytes)
    {
        if (content.Length == 0)
        {
            return;
        }
        text.Append('[').Append(name).Append("]\n").Append(content);
        if (!content.EndsWith('\n'))
        {
            text.Append('\n');
        }
        if (truncated)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{name} truncated: {bytes} bytes written, the first {Encoding.UTF8.GetByteCount(content)} shown]\n");
        }
    }
}
