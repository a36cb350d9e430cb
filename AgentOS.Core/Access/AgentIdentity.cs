using AgentOS.Storage;
using System.Buffers;
using System.Text.Json.Serialization;

namespace AgentOS.Access;

/// <summary>
/// Who an agent is to the access manager: its id and the privilege groups it belongs to. Immutable; register it with
/// <see cref="AccessManager.Register"/>.
/// </summary>
/// <remarks>
/// An id is 1 to <see cref="MaxIdLength"/> ASCII letters, digits, <c>_</c>, <c>-</c> and <c>.</c>, not starting with
/// <c>.</c> or <c>-</c>, and a valid storage segment (no trailing <c>.</c>, not a Windows device name). ASCII keeps the
/// agent's namespace <c>agents/{id}/</c> free of Unicode aliasing (file systems that fold case or normalization would
/// otherwise let two ids share a folder); the access manager also refuses two ids that differ only in case.
/// </remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt limit must not silently mean "no limit"
public sealed class AgentIdentity
{
    /// <summary>The longest agent id accepted.</summary>
    public const int MaxIdLength = 64;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    /// <summary>Creates an identity.</summary>
    /// <param name="id">The agent's id (see the remarks for the rule).</param>
    /// <param name="groups">The names of its privilege groups in the <see cref="AccessPolicy"/>; may be empty (the agent
    /// then reaches only its own storage namespace and memory).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> breaks the id rule, or a group name is empty.</exception>
    public AgentIdentity(string id, IReadOnlyList<string> groups)
    {
        ThrowIfInvalidId(id);
        if (groups is null)
        {
            // Reached from JSON too, where "groups" was left out or null.
            throw new ArgumentNullException(nameof(groups), $"Agent '{id}' has no groups: give a list of group names (it may be empty).");
        }
        foreach (var group in groups)
        {
            if (string.IsNullOrWhiteSpace(group))
            {
                throw new ArgumentException($"Agent '{id}' lists an empty group name: name each group as it appears in the access policy.", nameof(groups));
            }
        }
        Id = id;
        Groups = [.. groups];
    }

    /// <summary>The agent's id, unique among registered agents (ignoring case).</summary>
    public string Id { get; }

    /// <summary>The names of the agent's privilege groups.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Whether <paramref name="id"/> is a valid agent id.</summary>
    public static bool IsValidId(string? id) => id is not null && DescribeInvalidId(id) is null;

    /// <summary>The id and groups, for logs.</summary>
    public override string ToString() => $"{Id} [{string.Join(", ", Groups)}]";

    internal static void ThrowIfInvalidId(string? id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (DescribeInvalidId(id) is { } problem)
        {
            throw new ArgumentException($"Agent id \"{StoragePath.Escape(id)}\" is invalid: {problem}", nameof(id));
        }
    }

    private static string? DescribeInvalidId(string id)
    {
        if (id.Length is 0 or > MaxIdLength)
        {
            return $"an id has 1 to {MaxIdLength} characters.";
        }
        if (id.AsSpan().ContainsAnyExcept(IdCharacters))
        {
            return "use only ASCII letters, digits, '_', '-' and '.'.";
        }
        if (id[0] is '.' or '-')
        {
            return "an id cannot start with '.' or '-'.";
        }
        var error = StoragePath.Validate(id);
        return error == StorageKeyError.None ? null : StoragePath.Describe(error);
    }
}
