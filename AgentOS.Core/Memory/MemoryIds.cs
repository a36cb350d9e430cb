using System.Globalization;

namespace AgentOS.Memory;

/// <summary>Item ids on the wire ("m42") and inside the store (42).</summary>
internal static class MemoryIds
{
    public static string Format(long id) => string.Create(CultureInfo.InvariantCulture, $"m{id}");

    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return text is { Length: > 1 } && text[0] == 'm' &&
               long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }
}
