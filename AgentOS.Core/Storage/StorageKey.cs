using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace AgentOS.Storage;

/// <summary>
/// A validated storage key: a path relative to the store's root with <c>/</c> between segments, such as
/// <c>agents/alice/notes.txt</c>. Every backend validates keys here (and only here), so a key one backend accepts every
/// other backend accepts too, and the access layer's <c>StoragePath</c> checks agents' paths with the same rules.
/// </summary>
/// <remarks>
/// <para><b>Refuse, never rewrite.</b> A key is accepted exactly as given or refused with a
/// <see cref="StorageKeyError"/>; nothing is decoded, trimmed or normalized on the way in. So the string that was
/// checked is the string stored, and an accepted key is already canonical.</para>
/// <para><b>What is refused</b>, so that no reading of the key by a lower layer (a file system, an S3 server, a
/// Windows host) can leave the folder it names: absolute paths (<c>/x</c>, <c>\x</c>, <c>C:x</c>); <c>.</c>,
/// <c>..</c> and all-dot segments; empty segments; backslashes; NUL and every control character; <c>%</c> (keys are
/// never URL-decoded, so <c>%2e%2e</c> cannot become a traversal later); the characters Windows reserves
/// (<c>: * ? " &lt; &gt; |</c>), a segment that starts with a space or ends with a space or dot, Windows device
/// names; and Unicode hazards (<see cref="StorageKeyError.CompatibilityCharacter"/>,
/// <see cref="StorageKeyError.DisallowedCharacter"/>).</para>
/// <para><b>Unicode normalization.</b> "Normalize with NFKC, then validate" is unsafe: under
/// <c>InvariantGlobalization</c> <see cref="string.Normalize()"/> returns non-ASCII text unchanged, so the check would
/// pass <c>．．／</c> on one host and refuse it on another. Instead a key is refused when it contains any character
/// whose NFKC form contains a refused character (a built-in table generated from ICU's NFKC data and checked against
/// the system ICU by a test), or any invisible, unassigned, private-use or non-ASCII space character, or a combining
/// mark that could fuse with a dot.</para>
/// <para><b>Limits.</b> At most <see cref="MaxBytes"/> bytes of UTF-8, and <see cref="MaxSegmentBytes"/> per segment.</para>
/// </remarks>
public readonly partial struct StorageKey : IEquatable<StorageKey>
{
    /// <summary>The longest key accepted, in bytes of UTF-8.</summary>
    public const int MaxBytes = 1024;

    /// <summary>The longest segment accepted, in bytes of UTF-8 (the usual file-name limit).</summary>
    public const int MaxSegmentBytes = 255;

    private readonly string? _value;

    private StorageKey(string value) => _value = value;

    /// <summary>The key, exactly as it was given. Empty for <c>default</c>.</summary>
    public string Value => _value ?? "";

    /// <summary>Parses a key, or throws.</summary>
    /// <exception cref="InvalidStorageKeyException">The key is invalid (or <see langword="null"/>); its
    /// <see cref="InvalidStorageKeyException.Error"/> says why. Nothing was read or written.</exception>
    public static StorageKey Parse(string? key)
    {
        ThrowIfInvalid(key);
        return new StorageKey(key);
    }

    /// <summary>Parses a key; on failure <paramref name="error"/> says why (<see cref="Describe"/> explains it).</summary>
    public static bool TryParse([NotNullWhen(true)] string? key, out StorageKey result, out StorageKeyError error)
    {
        error = key is null ? StorageKeyError.Empty : Validate(key, out _);
        result = error == StorageKeyError.None ? new StorageKey(key!) : default;
        return error == StorageKeyError.None;
    }

    /// <summary>Throws unless <paramref name="key"/> is a valid key. Backends call this on every key they are given.</summary>
    /// <exception cref="InvalidStorageKeyException">The key is invalid.</exception>
    public static void ThrowIfInvalid([NotNull] string? key)
    {
        if (key is null)
        {
            throw new InvalidStorageKeyException(null, StorageKeyError.Empty, 0);
        }
        var error = Validate(key, out int position);
        if (error != StorageKeyError.None)
        {
            throw new InvalidStorageKeyException(key, error, position);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="prefix"/> is a valid listing prefix: empty (everything), a valid key, or a valid
    /// key followed by <c>/</c> (a folder). A prefix matches whole segments (<see cref="IsUnder"/>).
    /// </summary>
    /// <exception cref="InvalidStorageKeyException">The prefix is invalid.</exception>
    public static void ThrowIfInvalidPrefix([NotNull] string? prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return;
        }
        var body = prefix.EndsWith('/') ? prefix.AsSpan(0, prefix.Length - 1) : prefix.AsSpan();
        var error = Validate(body, out int position);
        if (error != StorageKeyError.None)
        {
            throw new InvalidStorageKeyException(prefix, error, position);
        }
    }

    /// <summary>
    /// Whether <paramref name="key"/> is selected by the listing prefix <paramref name="prefix"/>, matching whole
    /// segments: the empty prefix selects every key; <c>a/b/</c> selects the keys under the folder <c>a/b</c>; and
    /// <c>a/b</c> selects the key <c>a/b</c> itself and the keys under <c>a/b/</c>, never <c>a/b2/x</c> nor
    /// <c>a/bc</c>. A namespace ends at a segment boundary: a character prefix would let a listing of
    /// <c>agents/alice</c> name the keys of <c>agents/alice2/</c>. Ordinal, allocation-free; every backend lists
    /// through it, and the access layer's namespace checks use it too.
    /// </summary>
    public static bool IsUnder(ReadOnlySpan<char> key, ReadOnlySpan<char> prefix)
    {
        if (prefix.IsEmpty || prefix[^1] == '/')
        {
            return key.StartsWith(prefix, StringComparison.Ordinal);
        }
        return key.StartsWith(prefix, StringComparison.Ordinal) && (key.Length == prefix.Length || key[prefix.Length] == '/');
    }

    /// <summary>A sentence explaining <paramref name="error"/> and what to do instead.</summary>
    public static string Describe(StorageKeyError error) => error switch
    {
        StorageKeyError.None => "The path is valid.",
        StorageKeyError.Empty => "The path is empty: name a file or folder relative to the storage root, such as agents/<id>/notes.txt.",
        StorageKeyError.TooLong => $"The path is longer than {MaxBytes} bytes of UTF-8: use a shorter path.",
        StorageKeyError.SegmentTooLong => $"A segment is longer than {MaxSegmentBytes} bytes of UTF-8: use shorter names.",
        StorageKeyError.Absolute => "The path is absolute: storage paths are relative to the storage root (write agents/<id>/x, not /x or C:x).",
        StorageKeyError.Backslash => "The path contains '\\': separate segments with '/' only.",
        StorageKeyError.EmptySegment => "The path has an empty segment ('//', or a trailing '/'): remove the extra '/'.",
        StorageKeyError.DotSegment => "The path has a '.', '..' or all-dot segment: storage paths cannot step out of or around folders; name the target directly.",
        StorageKeyError.EdgeSpaceOrDot => "A segment starts with a space or ends with a space or '.', which Windows drops: trim the segment.",
        StorageKeyError.ControlCharacter => "The path contains NUL or another control character: remove it.",
        StorageKeyError.PercentEncoding => "The path contains '%': storage paths are never URL-decoded, so encoded forms such as %2e%2e are refused; decode the path before passing it, and avoid '%' in names.",
        StorageKeyError.ReservedCharacter => "The path contains one of : * ? \" < > |, which Windows reserves: rename without them.",
        StorageKeyError.ReservedName => "A segment is a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$), with or without an extension: rename it.",
        StorageKeyError.CompatibilityCharacter => "The path contains a Unicode compatibility character that normalizes (NFKC) to '.', '/', '\\', '%', ':' or another refused character (a fullwidth or small form, a dot leader, ...): use the plain ASCII character, subject to the same rules.",
        StorageKeyError.DisallowedCharacter => "The path contains an invisible (format), unassigned, private-use or non-ASCII space character, or a combining mark at the start of a segment or after a '.': remove it.",
        StorageKeyError.InvalidSurrogate => "The path contains an unpaired UTF-16 surrogate, which has no UTF-8 form: pass well-formed text.",
        _ => "The path is invalid.",
    };

    /// <summary>The full message for a refused key: the key (control and non-ASCII characters escaped), where, and why.</summary>
    internal static string Explain(string? key, StorageKeyError error, int position) =>
        key is null
            ? $"Storage path is missing. {Describe(error)}"
            : $"Storage path \"{Escape(key)}\" is refused at character {position}. {Describe(error)}";

    /// <summary>Shows a hostile string safely in a message or log: controls and non-ASCII as \uXXXX.</summary>
    internal static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is < ' ' or > '~')
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(StorageKey other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StorageKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The key.</summary>
    public override string ToString() => Value;

    /// <summary>Whether two keys are the same (ordinal).</summary>
    public static bool operator ==(StorageKey left, StorageKey right) => left.Equals(right);

    /// <summary>Whether two keys differ (ordinal).</summary>
    public static bool operator !=(StorageKey left, StorageKey right) => !left.Equals(right);
}
