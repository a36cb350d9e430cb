using System.Text;
using System.Text.Json;

namespace AgentOS.Formats;

/// <summary>Finds a JSON file's top-level <c>format_version</c> before the file is deserialized, so a newer file is
/// refused for its version (with how to migrate) rather than for the first key this build does not know.</summary>
internal static class JsonFormatVersion
{
    /// <summary>The top-level <c>format_version</c>: 0 when absent (files written before versions), -1 when it is
    /// not an integer; <see langword="null"/> when the text is not a JSON object (the deserializer reports that).</summary>
    public static long? Find(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isVersion = reader.ValueTextEquals("format_version"u8);
                reader.Read();
                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long version) ? version : -1;
                }
                reader.Skip();
            }
            return 0;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Throws when <paramref name="json"/> names a version outside 0..<paramref name="supported"/>.</summary>
    /// <exception cref="FormatVersionException">It does.</exception>
    public static void ThrowIfUnsupported(string json, string path, string kind, int supported)
    {
        if (Find(json) is { } version && (version < 0 || version > supported))
        {
            throw new FormatVersionException(path, kind, version, supported);
        }
    }
}
