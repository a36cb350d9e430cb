using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>
/// A JSON-RPC request id (also an MCP progress token): a string or a number, kept exactly as the peer wrote it. A
/// number keeps its JSON text, so <c>1</c> and <c>1.0</c> stay distinct and a 20-digit id survives; the answer echoes
/// the same bytes. <c>default</c> is no id (JSON <c>null</c>, only in an error answering what could not be parsed).
/// </summary>
[JsonConverter(typeof(JsonRpcIdConverter))]
public readonly struct JsonRpcId : IEquatable<JsonRpcId>
{
    private readonly string? _text;
    private readonly bool _isString;

    private JsonRpcId(string text, bool isString)
    {
        _text = text;
        _isString = isString;
    }

    /// <summary>A string id.</summary>
    public static JsonRpcId FromString(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), true);

    /// <summary>A number id.</summary>
    public static JsonRpcId FromNumber(long value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), false);

    /// <summary>A number id from its JSON text, which must be a JSON number (<c>7</c>, <c>-1</c>, <c>2.5</c>, <c>1e3</c>).</summary>
    /// <exception cref="FormatException">The text is not a JSON number.</exception>
    public static JsonRpcId FromNumberText(string jsonNumber)
    {
        if (!IsJsonNumber(jsonNumber))
        {
            throw new FormatException($"'{jsonNumber}' is not a JSON number; pass a number such as 7 or use FromString.");
        }
        return new(jsonNumber, false);
    }

    private static bool IsJsonNumber(string text)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
            return reader.Read() && reader.TokenType == JsonTokenType.Number && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether there is an id at all.</summary>
    public bool IsPresent => _text is not null;

    /// <summary>Whether the id is a string.</summary>
    public bool IsString => _isString;

    /// <summary>Whether the id is a number.</summary>
    public bool IsNumber => _text is not null && !_isString;

    /// <summary>The string, or the number's JSON text; <see langword="null"/> when absent.</summary>
    public string? Text => _text;

    /// <summary>Reads an id at the reader's current token (a string, a number or null).</summary>
    /// <exception cref="JsonException">The token is not a string, number or null.</exception>
    public static JsonRpcId Read(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => new(reader.GetString()!, true),
        JsonTokenType.Number => new(System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan), false),
        JsonTokenType.Null => default,
        _ => throw new JsonException("A JSON-RPC id must be a string or a number."),
    };

    /// <summary>Reads an id from a JSON element (a string, a number or null).</summary>
    /// <exception cref="JsonException">The element is not a string, number or null.</exception>
    public static JsonRpcId FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new(element.GetString()!, true),
        JsonValueKind.Number => new(element.GetRawText(), false),
        JsonValueKind.Null => default,
        _ => throw new JsonException("A JSON-RPC id must be a string or a number."),
    };

    /// <summary>Writes the id as the peer wrote it (<c>null</c> when absent).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        if (_text is null)
        {
            writer.WriteNullValue();
        }
        else if (_isString)
        {
            writer.WriteStringValue(_text);
        }
        else
        {
            writer.WriteRawValue(_text, skipInputValidation: true);
        }
    }

    /// <inheritdoc/>
    public bool Equals(JsonRpcId other) => _isString == other._isString && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JsonRpcId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_isString, _text);

    /// <summary>Equality.</summary>
    public static bool operator ==(JsonRpcId left, JsonRpcId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(JsonRpcId left, JsonRpcId right) => !left.Equals(right);

    /// <summary>The id as JSON text (<c>"abc"</c>, <c>7</c>, <c>null</c>).</summary>
    public override string ToString() => _text is null ? "null" : _isString ? JsonSerializer.Serialize(_text, Serialization.AgentOSJsonContext.Default.String) : _text;
}
