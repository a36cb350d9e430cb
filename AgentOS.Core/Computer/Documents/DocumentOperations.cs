using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Documents;

/// <summary>What the document tools do, once their arguments are read and their session found.</summary>
[SupportedOSPlatform("linux")]
internal static partial class DocumentOperations
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ToolOutput List(Workspace workspace, JsonElement args, DocumentToolOptions limits)
    {
        var (entries, truncated, path) = workspace.List(ToolArguments.OptionalString(args, "path") ?? ".", ToolArguments.Boolean(args, "recursive", false), limits.MaxListEntries);
        var text = new StringBuilder();
        foreach (var e in entries)
        {
            text.Append(e.Type switch
            {
                "directory" => $"{e.Path}/",
                "symlink" => $"{e.Path} -> {e.Target}",
                _ => $"{e.Path}  ({e.Size} bytes)",
            }).Append('\n');
        }
        if (entries.Count == 0)
        {
            text.Append("(empty)\n");
        }
        if (truncated)
        {
            text.Append($"[truncated: the first {entries.Count} entries are shown; list a subfolder for the rest]\n");
        }
        return new ToolOutput(text.ToString())
        {
            Structured = JsonSerializer.SerializeToElement(new DocumentListResult(path, entries, truncated), AgentOSJsonContext.Default.DocumentListResult),
        };
    }

    public static ToolOutput Read(Workspace workspace, JsonElement args, DocumentToolOptions limits)
    {
        string requested = ToolArguments.String(args, "path");
        long? offset = ToolArguments.Integer(args, "offset", 0);
        long? length = ToolArguments.Integer(args, "length", 0);
        long? startLine = ToolArguments.Integer(args, "start_line", 1);
        long? endLine = ToolArguments.Integer(args, "end_line", 1);
        if ((offset ?? length) is not null && (startLine ?? endLine) is not null)
        {
            throw new InvalidRequestException("Give a line range (start_line, end_line) or a byte range (offset, length), not both.");
        }
        var (handle, path) = workspace.OpenRead(requested);
        using (handle)
        {
            long size = RandomAccess.GetLength(handle);
            DocumentReadResult result;
            if ((offset ?? length) is not null)
            {
                long from = Math.Min(offset ?? 0, size);
                long wanted = Math.Min(length ?? (size - from), size - from);
                int take = (int)Math.Min(wanted, limits.MaxReadBytes);
                var bytes = ReadAt(handle, from, take);
                var (content, encoding) = Decode(bytes);
                result = new DocumentReadResult(path, content, encoding, size, take < wanted) { Offset = from, Length = bytes.Length };
            }
            else
            {
                result = ReadLines(handle, path, size, startLine ?? 1, endLine ?? long.MaxValue, limits.MaxReadBytes);
            }
            string note = !result.Truncated ? ""
                : result.Offset is { } o ? $"\n[truncated: {result.Length} bytes from offset {o} shown of the {size}-byte file; read from offset {o + result.Length} for more]"
                : $"\n[truncated: lines {result.StartLine}-{result.EndLine} shown of {(result.TotalLines?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "more")}; read from line {result.EndLine + 1} for more]";
            return new ToolOutput(result.Content + note)
            {
                Structured = JsonSerializer.SerializeToElement(result, AgentOSJsonContext.Default.DocumentReadResult),
            };
        }
    }

    private static DocumentReadResult ReadLines(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path, long size, long first, long last, int maxBytes)
    {
        var head = ReadAt(handle, 0, (int)Math.Min(size, 8192));
        if (head.AsSpan().Contains((byte)0))
        {
            // Binary: lines mean nothing; return the first bytes as base64.
            var bytes = ReadAt(handle, 0, (int)Math.Min(size, maxBytes));
            return new DocumentReadResult(path, Convert.ToBase64String(bytes), "base64", size, bytes.Length < size) { Offset = 0, Length = bytes.Length };
        }
        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, 64 * 1024);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true);
        var content = new StringBuilder();
        long line = 0;
        long lastShown = first - 1;
        long bytesShown = 0;
        bool truncated = false;
        foreach (string text in LinesWithEndings(reader))
        {
            line++;
            if (line < first || line > last)
            {
                continue;
            }
            long cost = Encoding.UTF8.GetByteCount(text);
            if (bytesShown + cost > maxBytes)
            {
                truncated = true;
                continue; // keep counting lines for total_lines
            }
            if (!truncated)
            {
                content.Append(text);
                bytesShown += cost;
                lastShown = line;
            }
        }
        return new DocumentReadResult(path, content.ToString(), "utf-8", size, truncated)
        {
            StartLine = first,
            EndLine = lastShown,
            TotalLines = line,
        };
    }

    // Lines with their own endings ("\r\n" kept, none on a last line that has none), so a file read whole comes back
    // exactly as it is and an agent's read-modify-write changes nothing it did not touch.
    private static IEnumerable<string> LinesWithEndings(TextReader reader)
    {
        var line = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                char c = buffer[i];
                line.Append(c);
                if (c == '\n')
                {
                    yield return line.ToString();
                    line.Clear();
                }
            }
        }
        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    public static ToolOutput Write(Workspace workspace, JsonElement args)
    {
        string requested = ToolArguments.String(args, "path");
        string content = ToolArguments.String(args, "content");
        string encoding = ToolArguments.OptionalString(args, "encoding") ?? "utf-8";
        bool append = ToolArguments.Boolean(args, "append", false);
        byte[] bytes = encoding switch
        {
            "utf-8" => Encoding.UTF8.GetBytes(content),
            "base64" => Base64(content),
            _ => throw new InvalidRequestException($"encoding must be 'utf-8' or 'base64', not '{encoding}'."),
        };
        var (handle, path) = workspace.OpenWrite(requested, append, ToolArguments.Boolean(args, "create_dirs", true));
        using (handle)
        {
            long at = append ? RandomAccess.GetLength(handle) : 0;
            RandomAccess.Write(handle, bytes, at);
        }
        var result = new DocumentWriteResult(path, bytes.Length, append);
        return new ToolOutput($"{(append ? "appended" : "wrote")} {bytes.Length} bytes to {path}")
        {
            Structured = JsonSerializer.SerializeToElement(result, AgentOSJsonContext.Default.DocumentWriteResult),
        };
    }

    public static ToolOutput Edit(Workspace workspace, JsonElement args, DocumentToolOptions limits)
    {
        string requested = ToolArguments.String(args, "path");
        string oldText = ToolArguments.String(args, "old_text");
        string newText = ToolArguments.String(args, "new_text");
        bool all = ToolArguments.Boolean(args, "replace_all", false);
        if (oldText.Length == 0)
        {
            throw new InvalidRequestException("old_text must not be empty; to write a whole file use document.write.");
        }
        var (bytes, path) = workspace.ReadAllBytes(requested, limits.MaxFileBytes);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return DocumentTools.Error("not_text", $"'{path}' is not UTF-8 text; edit works on text files only.");
        }
        int count = Count(text, oldText);
        if (count == 0)
        {
            return DocumentTools.Error("no_match", $"old_text was not found in '{path}'; nothing was changed. Read the file and copy the exact text (white space and line breaks must match).", 0);
        }
        if (count > 1 && !all)
        {
            return DocumentTools.Error("ambiguous_match", $"old_text occurs {count} times in '{path}'; nothing was changed. Include more surrounding text so it occurs once, or set replace_all.", count);
        }
        string updated = all ? text.Replace(oldText, newText, StringComparison.Ordinal) : ReplaceFirst(text, oldText, newText);
        var output = Encoding.UTF8.GetBytes(updated);
        var (handle, _) = workspace.OpenWrite(path, append: false, createDirectories: false);
        using (handle)
        {
            RandomAccess.Write(handle, output, 0);
        }
        var result = new DocumentEditResult(path, all ? count : 1, output.Length);
        return new ToolOutput($"replaced {result.Replacements} occurrence{(result.Replacements == 1 ? "" : "s")} in {path}")
        {
            Structured = JsonSerializer.SerializeToElement(result, AgentOSJsonContext.Default.DocumentEditResult),
        };
    }

    private static int Count(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string ReplaceFirst(string text, string oldText, string newText)
    {
        int at = text.IndexOf(oldText, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), newText, text.AsSpan(at + oldText.Length));
    }

    private static byte[] ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, int count)
    {
        var bytes = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), offset + read);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        return read == count ? bytes : bytes[..read];
    }

    private static (string Content, string Encoding) Decode(byte[] bytes)
    {
        if (!bytes.AsSpan().Contains((byte)0))
        {
            try
            {
                return (StrictUtf8.GetString(bytes), "utf-8");
            }
            catch (DecoderFallbackException)
            {
                // A range may cut a multi-byte character, or the file is binary: base64 is exact either way.
            }
        }
        return (Convert.ToBase64String(bytes), "base64");
    }

    private static byte[] Base64(string content)
    {
        try
        {
            return Convert.FromBase64String(content);
        }
        catch (FormatException ex)
        {
            throw new InvalidRequestException("content is not valid base64 (encoding is 'base64').", ex);
        }
    }
}
