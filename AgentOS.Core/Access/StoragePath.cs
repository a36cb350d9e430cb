using System.Diagnostics.CodeAnalysis;
using AgentOS.Storage;

namespace AgentOS.Access;

/// <summary>
/// A validated storage path as the access layer sees it: a <see cref="StorageKey"/> (same rules, same limits; the
/// rules live in the storage layer, which this one sits on) plus what only access control needs: agent namespaces,
/// whole-segment containment (<see cref="IsIn(string)"/>) and resolving to a file under a root.
/// </summary>
public readonly partial struct StoragePath : IEquatable<StoragePath>
{
    /// <summary>The longest path accepted, in bytes of UTF-8.</summary>
    public const int MaxBytes = StorageKey.MaxBytes;

    /// <summary>The longest segment accepted, in bytes of UTF-8.</summary>
    public const int MaxSegmentBytes = StorageKey.MaxSegmentBytes;

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
        if (error != StorageKeyError.None)
        {
            throw new StoragePathException(path, error, position);
        }
        return new StoragePath(path);
    }

    /// <summary>Parses a path; returns <see langword="false"/> for an invalid or <see langword="null"/> one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? path, out StoragePath result) => TryParse(path, out result, out _);

    /// <summary>Parses a path; on failure <paramref name="error"/> says why (<see cref="Describe"/> explains it).</summary>
    public static bool TryParse([NotNullWhen(true)] string? path, out StoragePath result, out StorageKeyError error)
    {
        error = path is null ? StorageKeyError.Empty : Validate(path, out _);
        result = error == StorageKeyError.None ? new StoragePath(path!) : default;
        return error == StorageKeyError.None;
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

    /// <summary>Checks <paramref name="path"/> without allocating; <see cref="StorageKeyError.None"/> means valid.</summary>
    public static StorageKeyError Validate(ReadOnlySpan<char> path) => StorageKey.Validate(path, out _);

    /// <summary>Checks <paramref name="path"/> without allocating; on failure <paramref name="position"/> is the UTF-16
    /// index of the offending character (or the start of the offending segment).</summary>
    public static StorageKeyError Validate(ReadOnlySpan<char> path, out int position) => StorageKey.Validate(path, out position);

    /// <summary>A sentence explaining <paramref name="error"/> and what to do instead.</summary>
    public static string Describe(StorageKeyError error) => StorageKey.Describe(error);

    /// <summary>The full message for a refused path: the path (control and non-ASCII characters escaped), where, and why.</summary>
    internal static string Explain(string? path, StorageKeyError error, int position) => StorageKey.Explain(path, error, position);

    /// <summary>Shows a hostile string safely in a message or log: controls and non-ASCII as \uXXXX.</summary>
    internal static string Escape(string text) => StorageKey.Escape(text);

    // Whole-segment prefix match; prefix ends with '/'. Allocation-free: the access manager calls it per request.
    internal static bool IsIn(ReadOnlySpan<char> path, string prefix) => StorageKey.IsUnder(path, prefix.AsSpan(0, prefix.Length - 1));

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
