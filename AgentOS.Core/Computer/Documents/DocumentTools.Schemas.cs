namespace AgentOS.Computer.Documents;

public static partial class DocumentTools
{
    // The schemas as JSON text, with the properties every tool shares spliced in where %SESSION%, %PATH% and %ERROR%
    // stand (interpolated raw strings would need a different brace count on every line).
    private static readonly string ListSchema = Schema("""{"type":"object","properties":{%SESSION%,"path":{"type":"string","default":"."},"recursive":{"type":"boolean","default":false}},"required":["session_id"]}""");
    private static readonly string ReadSchema = Schema("""{"type":"object","properties":{%SESSION%,%PATH%,"start_line":{"type":"integer","minimum":1},"end_line":{"type":"integer","minimum":1},"offset":{"type":"integer","minimum":0},"length":{"type":"integer","minimum":0}},"required":["session_id","path"]}""");
    private static readonly string WriteSchema = Schema("""{"type":"object","properties":{%SESSION%,%PATH%,"content":{"type":"string"},"encoding":{"type":"string","enum":["utf-8","base64"],"default":"utf-8"},"append":{"type":"boolean","default":false},"create_dirs":{"type":"boolean","default":true}},"required":["session_id","path","content"]}""");
    private static readonly string EditSchema = Schema("""{"type":"object","properties":{%SESSION%,%PATH%,"old_text":{"type":"string","minLength":1},"new_text":{"type":"string"},"replace_all":{"type":"boolean","default":false}},"required":["session_id","path","old_text","new_text"]}""");
    private static readonly string ExtractSchema = Schema("""{"type":"object","properties":{%SESSION%,%PATH%,"format":{"type":"string","enum":["auto","pdf","html","markdown","docx","text"],"default":"auto"},"first_page":{"type":"integer","minimum":1},"last_page":{"type":"integer","minimum":1}},"required":["session_id","path"]}""");

    private static readonly string ListOutputSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"truncated":{"type":"boolean"},"entries":{"type":"array","items":{"type":"object","properties":{"path":{"type":"string"},"type":{"type":"string","enum":["file","directory","symlink"]},"size":{"type":"integer"},"modified":{"type":"string"},"target":{"type":"string"}},"required":["path","type"]}},%ERROR%}}""");
    private static readonly string ReadOutputSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"},"encoding":{"type":"string","enum":["utf-8","base64"]},"size":{"type":"integer"},"truncated":{"type":"boolean"},"start_line":{"type":"integer"},"end_line":{"type":"integer"},"total_lines":{"type":"integer"},"offset":{"type":"integer"},"length":{"type":"integer"},%ERROR%}}""");
    private static readonly string WriteOutputSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"bytes_written":{"type":"integer"},"appended":{"type":"boolean"},%ERROR%}}""");
    private static readonly string EditOutputSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"replacements":{"type":"integer"},"size":{"type":"integer"},%ERROR%}}""");
    private static readonly string ExtractOutputSchema = Schema("""{"type":"object","properties":{"path":{"type":"string"},"format":{"type":"string"},"text":{"type":"string"},"chars":{"type":"integer"},"truncated":{"type":"boolean"},"pages":{"type":"integer"},%ERROR%}}""");

    internal static string Schema(string json) => json
        .Replace("%SESSION%", "\"session_id\":{\"type\":\"string\",\"description\":\"The session whose workspace to use.\"}", StringComparison.Ordinal)
        .Replace("%PATH%", "\"path\":{\"type\":\"string\",\"description\":\"Relative to the workspace root, with '/' separators.\"}", StringComparison.Ordinal)
        .Replace("%ERROR%", "\"error\":{\"type\":\"object\",\"description\":\"Set on error results.\",\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"},\"count\":{\"type\":\"integer\"}}}", StringComparison.Ordinal);
}
