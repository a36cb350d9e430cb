using System.Text;

namespace AgentOS.Storage.S3;

/// <summary>
/// SigV4's URI encoding: every byte of the UTF-8 form except the RFC 3986 unreserved characters
/// (<c>A-Z a-z 0-9 - . _ ~</c>) becomes <c>%XY</c> with upper-case hex. Used both for what goes on the wire and for the
/// canonical request, so the two cannot disagree.
/// </summary>
internal static class SigV4Encoding
{
    /// <summary>Encodes <paramref name="value"/>; a slash stays a slash when <paramref name="keepSlash"/> is set (object
    /// key paths), and is <c>%2F</c> otherwise (query names and values).</summary>
    public static string Encode(string value, bool keepSlash)
    {
        if (IsUnreserved(value, keepSlash))
        {
            return value;
        }
        var builder = new StringBuilder(value.Length * 3);
        Append(builder, value, keepSlash);
        return builder.ToString();
    }

    /// <summary>Appends the encoded form of <paramref name="value"/> to <paramref name="builder"/>.</summary>
    public static void Append(StringBuilder builder, string value, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (IsUnreserved(c) || (keepSlash && c == '/'))
            {
                builder.Append(c);
                continue;
            }
            // A surrogate pair is one code point: encode its four UTF-8 bytes together.
            int length = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            foreach (byte b in utf8[..length])
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }
    }

    private const string HexUpper = "0123456789ABCDEF";

    private static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsUnreserved(string value, bool keepSlash)
    {
        foreach (char c in value)
        {
            if (!IsUnreserved(c) && !(keepSlash && c == '/'))
            {
                return false;
            }
        }
        return true;
    }
}
