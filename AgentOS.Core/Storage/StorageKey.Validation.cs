using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace AgentOS.Storage;

/// <content>The validator: one pass over the characters, allocation-free, so the access manager can run it on every
/// storage syscall.</content>
public readonly partial struct StorageKey
{
    // The printable ASCII characters the slow pass accepts anywhere (' ' to '~' except \ % : * ? " < > |), derived from
    // its own rule so the two passes cannot disagree.
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => ClassifyAscii(c) == StorageKeyError.None).ToArray());

    /// <summary>Checks <paramref name="path"/> without allocating; <see cref="StorageKeyError.None"/> means valid.</summary>
    public static StorageKeyError Validate(ReadOnlySpan<char> path) => Validate(path, out _);

    /// <summary>Checks <paramref name="path"/> without allocating; on failure <paramref name="position"/> is the UTF-16
    /// index of the offending character (or the start of the offending segment).</summary>
    public static StorageKeyError Validate(ReadOnlySpan<char> path, out int position)
    {
        position = 0;
        // The common case, vectorized: plain ASCII, short enough, every segment sound. Anything else (or any doubt)
        // goes through the character-by-character pass, which also finds the exact error and position.
        return IsPlainAndSound(path) ? StorageKeyError.None : ValidateSlowly(path, out position);
    }

    private static bool IsPlainAndSound(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty || path.Length > MaxBytes || path.ContainsAnyExcept(PlainAscii))
        {
            return false;
        }
        while (true)
        {
            int slash = path.IndexOf('/');
            var segment = slash < 0 ? path : path[..slash];
            if (segment.Length > MaxSegmentBytes || ValidateSegment(segment) != StorageKeyError.None)
            {
                return false;
            }
            if (slash < 0)
            {
                return true;
            }
            path = path[(slash + 1)..];
        }
    }

    private static StorageKeyError ValidateSlowly(ReadOnlySpan<char> path, out int position)
    {
        position = 0;
        if (path.IsEmpty)
        {
            return StorageKeyError.Empty;
        }
        if (path[0] is '/' or '\\' || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            return StorageKeyError.Absolute;
        }
        int totalBytes = 0;
        int segmentStart = 0;
        int segmentBytes = 0;
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            position = i;
            int bytes;
            if (c < 0x80)
            {
                if (c == '/')
                {
                    var segmentError = ValidateSegment(path[segmentStart..i]);
                    if (segmentError != StorageKeyError.None)
                    {
                        position = segmentStart;
                        return segmentError;
                    }
                    segmentStart = i + 1;
                    segmentBytes = 0;
                    totalBytes++;
                    continue;
                }
                var asciiError = ClassifyAscii(c);
                if (asciiError != StorageKeyError.None)
                {
                    return asciiError;
                }
                bytes = 1;
            }
            else
            {
                var unicodeError = ClassifyNonAscii(path, ref i, segmentStart, out bytes);
                if (unicodeError != StorageKeyError.None)
                {
                    return unicodeError;
                }
            }
            totalBytes += bytes;
            segmentBytes += bytes;
            if (segmentBytes > MaxSegmentBytes)
            {
                return StorageKeyError.SegmentTooLong;
            }
            if (totalBytes > MaxBytes)
            {
                return StorageKeyError.TooLong;
            }
        }
        var lastError = ValidateSegment(path[segmentStart..]);
        if (lastError != StorageKeyError.None)
        {
            position = segmentStart;
        }
        return lastError;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static StorageKeyError ClassifyAscii(char c)
    {
        if (c < 0x20 || c == 0x7F)
        {
            return StorageKeyError.ControlCharacter;
        }
        return c switch
        {
            '\\' => StorageKeyError.Backslash,
            '%' => StorageKeyError.PercentEncoding,
            ':' or '*' or '?' or '"' or '<' or '>' or '|' => StorageKeyError.ReservedCharacter,
            _ => StorageKeyError.None,
        };
    }

    // i points at a non-ASCII char; for a surrogate pair it is advanced past the low half.
    private static StorageKeyError ClassifyNonAscii(ReadOnlySpan<char> path, ref int i, int segmentStart, out int bytes)
    {
        char c = path[i];
        int codePoint;
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 >= path.Length || !char.IsLowSurrogate(path[i + 1]))
            {
                bytes = 0;
                return StorageKeyError.InvalidSurrogate;
            }
            codePoint = char.ConvertToUtf32(c, path[i + 1]);
            i++;
            bytes = 4;
        }
        else if (char.IsLowSurrogate(c))
        {
            bytes = 0;
            return StorageKeyError.InvalidSurrogate;
        }
        else
        {
            codePoint = c;
            bytes = c < 0x800 ? 2 : 3;
        }
        switch (CharUnicodeInfo.GetUnicodeCategory(codePoint))
        {
            case UnicodeCategory.Control:
                return StorageKeyError.ControlCharacter; // C1 controls (U+0080-U+009F)
            case UnicodeCategory.Format:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.Surrogate:
                return StorageKeyError.DisallowedCharacter;
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
                // A mark with nothing to combine with, or fused onto a dot: ".\u0301" renders (and, to a layer that
                // strips marks, reads) as ".".
                if (i == segmentStart || path[i - 1] == '.')
                {
                    return StorageKeyError.DisallowedCharacter;
                }
                break;
        }
        return IsCompatibilityHazard(codePoint) ? StorageKeyError.CompatibilityCharacter : StorageKeyError.None;
    }

    private static StorageKeyError ValidateSegment(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return StorageKeyError.EmptySegment;
        }
        if (!segment.ContainsAnyExcept('.'))
        {
            return StorageKeyError.DotSegment;
        }
        if (segment[0] == ' ' || segment[^1] is ' ' or '.')
        {
            return StorageKeyError.EdgeSpaceOrDot;
        }
        return IsWindowsDeviceName(segment) ? StorageKeyError.ReservedName : StorageKeyError.None;
    }

    // CON, PRN, AUX, NUL, COM0-9, LPT0-9 (also with the superscript digits Windows honours), CONIN$, CONOUT$:
    // Windows opens the device for these names in any folder, with any extension.
    private static bool IsWindowsDeviceName(ReadOnlySpan<char> segment)
    {
        if (segment.Length < 3 || (segment[0] | 0x20) is not ('c' or 'p' or 'a' or 'n' or 'l'))
        {
            return false;
        }
        int dot = segment.IndexOf('.');
        var stem = (dot < 0 ? segment : segment[..dot]).TrimEnd(' ');
        if (stem.Length == 3)
        {
            return stem.Equals("CON", StringComparison.OrdinalIgnoreCase) || stem.Equals("PRN", StringComparison.OrdinalIgnoreCase) ||
                   stem.Equals("AUX", StringComparison.OrdinalIgnoreCase) || stem.Equals("NUL", StringComparison.OrdinalIgnoreCase);
        }
        if (stem.Length == 4)
        {
            var name = stem[..3];
            return (name.Equals("COM", StringComparison.OrdinalIgnoreCase) || name.Equals("LPT", StringComparison.OrdinalIgnoreCase)) &&
                   (char.IsAsciiDigit(stem[3]) || stem[3] is '\u00B9' or '\u00B2' or '\u00B3');
        }
        return stem.Equals("CONIN$", StringComparison.OrdinalIgnoreCase) || stem.Equals("CONOUT$", StringComparison.OrdinalIgnoreCase);
    }
}
