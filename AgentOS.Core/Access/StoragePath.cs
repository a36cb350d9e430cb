using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace AgentOS.Access;

/// <summary>
/// A validated storage path, relative to the storage root, with <c>/</c> between segments: for example
/// <c>agents/alice/notes.txt</c>. The access manager checks paths with it and the storage manager resolves them to
/// files with <see cref="ToFullPath"/>; neither ever touches a string that did not pass <see cref="Validate(ReadOnlySpan{char})"/>.
/// </summary>
/// <remarks>
/// <para><b>Refuse, never rewrite.</b> A path is accepted exactly as given or refused with a
/// <see cref="StoragePathError"/>; nothing is decoded, trimmed or normalized on the way in. So the string that was
/// checked against the agent's grants is the string that reaches the file system, and an accepted path is already
/// canonical (<see cref="Value"/> equals the input).</para>
/// <para><b>What is refused</b>, so that no reading of the path by a lower layer can leave the namespace it was
/// checked against: absolute paths (<c>/x</c>, <c>\x</c>, <c>C:x</c>); <c>.</c>, <c>..</c> and all-dot segments;
/// empty segments; backslashes; NUL and every control character; <c>%</c> (paths are never URL-decoded, so
/// <c>%2e%2e</c>, <c>%2f</c> and double-encoded <c>%252e</c> cannot become a traversal later); the characters Windows
/// reserves (<c>: * ? " &lt; &gt; |</c>), a segment that starts with a space or ends with a space or dot (Windows
/// drops those, so <c>".. "</c> would become <c>..</c>), Windows device names; and Unicode hazards: see
/// <see cref="StoragePathError.CompatibilityCharacter"/> and <see cref="StoragePathError.DisallowedCharacter"/>.</para>
/// <para><b>Unicode normalization.</b> The obvious rule, "normalize with NFKC, then validate", is unsafe here:
/// under <c>InvariantGlobalization</c> (which AgentOS builds with, and which AOT apps commonly set)
/// <see cref="string.Normalize()"/> returns non-ASCII text unchanged, without an error, so the check would pass
/// <c>．．／</c> on one host and refuse it on another. Instead a path is refused when it contains any character whose
/// NFKC form contains a character refused above (a built-in table of 58 code points, generated from ICU's NFKC data
/// and checked against the system ICU by a test), or any character that is invisible (format), unassigned,
/// private-use, a non-ASCII space, or a combining mark that could fuse with a dot. What remains is NFKC-safe: a
/// lower layer that normalizes an accepted path (or compares names under NFKC) can never obtain a separator, a dot
/// segment, a <c>%</c>, a control or a reserved character from it. Other compatibility characters (fullwidth letters,
/// say) are accepted unchanged: normalizing them can alias two names in one directory but never leaves it.</para>
/// <para><b>Limits.</b> At most <see cref="MaxBytes"/> bytes of UTF-8, and <see cref="MaxSegmentBytes"/> per
/// segment (the usual file-name limit).</para>
/// </remarks>
public readonly partial struct StoragePath : IEquatable<StoragePath>
{
    /// <summary>The longest path accepted, in bytes of UTF-8.</summary>
    public const int MaxBytes = 1024;

    /// <summary>The longest segment accepted, in bytes of UTF-8.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>The folder under which every agent has its own namespace, <c>agents/{id}/</c>.</summary>
    public const string AgentsRoot = "agents/";

    private readonly string? _value;

    private StoragePath(string value) => _value = value;

    /// <summary>The path, exactly as it was given (it is already canonical). Empty for <c>default</c>.</summary>
    public string Value => _value ?? "";

    /// <summary>Parses a path, or throws.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="StoragePathException">The path is invalid; <see cref="StoragePathException.Error"/> says why.</exception>
    public static StoragePath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var error = Validate(path, out int position);
        if (error != StoragePathError.None)
        {
            throw new StoragePathException(path, error, position);
        }
        return new StoragePath(path);
    }

    /// <summary>Parses a path; returns <see langword="false"/> for an invalid or <see langword="null"/> one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? path, out StoragePath result) => TryParse(path, out result, out _);

    /// <summary>Parses a path; on failure <paramref name="error"/> says why (<see cref="Describe"/> explains it).</summary>
    public static bool TryParse([NotNullWhen(true)] string? path, out StoragePath result, out StoragePathError error)
    {
        error = path is null ? StoragePathError.Empty : Validate(path, out _);
        result = error == StoragePathError.None ? new StoragePath(path!) : default;
        return error == StoragePathError.None;
    }

    /// <summary>The namespace every agent may always read and write: <c>agents/{agentId}/</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is not a valid agent id (see <see cref="AgentIdentity"/>).</exception>
    public static string AgentNamespace(string agentId)
    {
        AgentIdentity.ThrowIfInvalidId(agentId);
        return AgentsRoot + agentId + "/";
    }

    /// <summary>
    /// Whether this path lies in the namespace <paramref name="folder"/> (a folder path such as <c>agents/alice/</c>;
    /// the trailing <c>/</c> is implied) or names that folder itself (<c>agents/alice</c>). Matches whole segments and
    /// exact characters (ordinal): <c>agents/alicex/a</c> is not in <c>agents/alice/</c>, nor is <c>Agents/alice/a</c>.
    /// </summary>
    public bool IsIn(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return IsIn(Value, folder.EndsWith('/') ? folder : folder + "/");
    }

    /// <summary>
    /// The full file-system path of this storage path under <paramref name="rootDirectory"/>, with separators for
    /// this OS. As a second line of defence it checks the result is still inside the root.
    /// </summary>
    /// <exception cref="InvalidOperationException">This is <c>default</c> (never parsed).</exception>
    /// <exception cref="StoragePathException">The resolved path is outside the root (cannot happen for a parsed
    /// path unless the root itself is unusual; reported rather than followed).</exception>
    public string ToFullPath(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        if (_value is null)
        {
            throw new InvalidOperationException("This StoragePath is default (empty): obtain one from StoragePath.Parse or TryParse.");
        }
        string root = Path.GetFullPath(rootDirectory);
        if (!Path.EndsInDirectorySeparator(root))
        {
            root += Path.DirectorySeparatorChar;
        }
        string relative = Path.DirectorySeparatorChar == '/' ? _value : _value.Replace('/', Path.DirectorySeparatorChar);
        string full = Path.GetFullPath(Path.Join(root, relative));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!full.StartsWith(root, comparison))
        {
            throw new StoragePathException($"Storage path \"{Escape(_value)}\" resolves to \"{full}\", outside the storage root \"{root}\"; nothing was accessed. Report this: a parsed path should never do that.");
        }
        return full;
    }

    /// <summary>A sentence explaining <paramref name="error"/> and what to do instead.</summary>
    public static string Describe(StoragePathError error) => error switch
    {
        StoragePathError.None => "The path is valid.",
        StoragePathError.Empty => "The path is empty: name a file or folder relative to the storage root, such as agents/<id>/notes.txt.",
        StoragePathError.TooLong => $"The path is longer than {MaxBytes} bytes of UTF-8: use a shorter path.",
        StoragePathError.SegmentTooLong => $"A segment is longer than {MaxSegmentBytes} bytes of UTF-8: use shorter names.",
        StoragePathError.Absolute => "The path is absolute: storage paths are relative to the storage root (write agents/<id>/x, not /x or C:x).",
        StoragePathError.Backslash => "The path contains '\\': separate segments with '/' only.",
        StoragePathError.EmptySegment => "The path has an empty segment ('//', or a trailing '/'): remove the extra '/'.",
        StoragePathError.DotSegment => "The path has a '.', '..' or all-dot segment: storage paths cannot step out of or around folders; name the target directly.",
        StoragePathError.EdgeSpaceOrDot => "A segment starts with a space or ends with a space or '.', which Windows drops: trim the segment.",
        StoragePathError.ControlCharacter => "The path contains NUL or another control character: remove it.",
        StoragePathError.PercentEncoding => "The path contains '%': storage paths are never URL-decoded, so encoded forms such as %2e%2e are refused; decode the path before passing it, and avoid '%' in names.",
        StoragePathError.ReservedCharacter => "The path contains one of : * ? \" < > |, which Windows reserves: rename without them.",
        StoragePathError.ReservedName => "A segment is a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$), with or without an extension: rename it.",
        StoragePathError.CompatibilityCharacter => "The path contains a Unicode compatibility character that normalizes (NFKC) to '.', '/', '\\', '%', ':' or another refused character (a fullwidth or small form, a dot leader, ...): use the plain ASCII character, subject to the same rules.",
        StoragePathError.DisallowedCharacter => "The path contains an invisible (format), unassigned, private-use or non-ASCII space character, or a combining mark at the start of a segment or after a '.': remove it.",
        StoragePathError.InvalidSurrogate => "The path contains an unpaired UTF-16 surrogate, which has no UTF-8 form: pass well-formed text.",
        _ => "The path is invalid.",
    };

    /// <summary>The full message for a refused path: the path (control and non-ASCII characters escaped), where, and why.</summary>
    internal static string Explain(string? path, StoragePathError error, int position) =>
        path is null
            ? $"Storage path is missing. {Describe(error)}"
            : $"Storage path \"{Escape(path)}\" is refused at character {position}. {Describe(error)}";

    /// <summary>Shows a hostile string safely in a message or log: controls and non-ASCII as \uXXXX.</summary>
    internal static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is < ' ' or > '~')
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    // Whole-segment prefix match; prefix ends with '/'. Allocation-free: the access manager calls it per request.
    internal static bool IsIn(ReadOnlySpan<char> path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) ||
        (path.Length == prefix.Length - 1 && prefix.AsSpan(0, path.Length).SequenceEqual(path));

    /// <inheritdoc />
    public bool Equals(StoragePath other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StoragePath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The path.</summary>
    public override string ToString() => Value;

    /// <summary>Whether two paths are the same (ordinal).</summary>
    public static bool operator ==(StoragePath left, StoragePath right) => left.Equals(right);

    /// <summary>Whether two paths differ (ordinal).</summary>
    public static bool operator !=(StoragePath left, StoragePath right) => !left.Equals(right);
}
