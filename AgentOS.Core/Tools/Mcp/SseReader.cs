using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// Reads a <c>text/event-stream</c> as the HTML standard defines it: fields <c>id</c>, <c>event</c>, <c>data</c> and
/// <c>retry</c>, one optional space after the colon, comments (lines starting with <c>:</c>) skipped, and an event
/// dispatched at each blank line. An event with only an id or a retry is still yielded: it moves the resumption point.
/// </summary>
public static class SseReader
{
    /// <summary>The events of <paramref name="stream"/>, until it ends.</summary>
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        string? id = null;
        string? name = null;
        int? retry = null;
        var data = new StringBuilder();
        bool any = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    yield return new SseEvent(id, name ?? "message", data.ToString(), retry);
                }
                name = null;
                retry = null;
                id = null;
                data.Clear();
                any = false;
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (field)
            {
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }
                    data.Append(value);
                    any = true;
                    break;
                case "event":
                    name = value;
                    any = true;
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    id = value;
                    any = true;
                    break;
                case "retry" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int ms):
                    retry = ms;
                    any = true;
                    break;
            }
        }
    }
}
