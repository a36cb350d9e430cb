using System.Text.Json;
using AgentOS.Formats;
using AgentOS.Serialization;
using System.Text.Json.Serialization;

namespace AgentOS.Access;

/// <summary>
/// The access manager's configuration: the privilege groups, optionally the agents to register at start, the budget
/// window and how long to wait for an approval. Build it in code with <see cref="AccessPolicyBuilder"/> or load it
/// from JSON with <see cref="FromJson"/> / <see cref="Load"/> (snake_case names; see the example in the remarks).
/// </summary>
/// <remarks>
/// <code language="json">
/// {
///   "budget_window": "00:01:00",
///   "approval_timeout": "00:05:00",
///   "groups": [
///     { "name": "researchers", "tools": ["search"], "storage_read": ["shared/"], "storage_write": ["shared/drafts/"],
///       "memory_read": ["librarian"], "llm_backends": ["*"],
///       "tokens_per_window": 100000, "calls_per_window": 600, "max_concurrent": 4 }
///   ],
///   "agents": [ { "id": "alice", "groups": ["researchers"] } ]
/// }
/// </code>
/// <para>Budgets count in fixed windows of <see cref="BudgetWindow"/>, aligned to the manager's start.</para>
/// <para>Settable so JSON may leave properties out (see <see cref="PrivilegeGroup"/>); an <see cref="AccessManager"/>
/// reads the policy when it is created, so later changes do not affect it.</para>
/// </remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt limit must not silently mean "no limit"
public sealed class AccessPolicy
{
    private static readonly AgentOSJsonContext IndentedJson = new(new JsonSerializerOptions(AgentOSJsonContext.Default.Options) { WriteIndented = true });

    /// <summary>The file's format version (<see cref="FormatVersions.Config"/>, written by <see cref="ToJson"/>); a file
    /// without it is version 0, which reads the same. A newer version is refused with how to migrate.</summary>
    public int FormatVersion { get; set; } = FormatVersions.Config;

    /// <summary>The privilege groups.</summary>
    public IReadOnlyList<PrivilegeGroup> Groups { get; set; } = [];

    /// <summary>Agents the manager registers when it is created (more can be registered later).</summary>
    public IReadOnlyList<AgentIdentity> Agents { get; set; } = [];

    /// <summary>The length of the budget window for calls and tokens. Default one minute.</summary>
    public TimeSpan BudgetWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an irreversible request waits for its approver before it is denied. Default five minutes;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for ever (or until the caller cancels).</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Starts a code-first policy.</summary>
    public static AccessPolicyBuilder CreateBuilder() => new();

    /// <summary>Parses and validates a policy from JSON.</summary>
    /// <exception cref="AccessPolicyException">The JSON is malformed or the policy is inconsistent.</exception>
    public static AccessPolicy FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        AccessPolicy? policy;
        try
        {
            JsonFormatVersion.ThrowIfUnsupported(json, "the access policy", "access policy", FormatVersions.Config);
            policy = JsonSerializer.Deserialize(json, AgentOSJsonContext.Default.AccessPolicy);
        }
        catch (JsonException ex)
        {
            throw new AccessPolicyException($"The access policy JSON is malformed (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new AccessPolicyException($"The access policy JSON has an invalid value: {ex.Message}", ex);
        }
        catch (FormatVersionException ex)
        {
            throw new AccessPolicyException(ex.Message, ex);
        }
        if (policy is null)
        {
            throw new AccessPolicyException("The access policy JSON is 'null': write an object with \"groups\" (and optionally \"agents\", \"budget_window\", \"approval_timeout\").");
        }
        policy.Validate();
        return policy;
    }

    /// <summary>Reads, parses and validates a policy file.</summary>
    /// <exception cref="AccessPolicyException">The file's JSON is malformed or the policy is inconsistent.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static AccessPolicy Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>The policy as indented JSON, in the form <see cref="FromJson"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, IndentedJson.AccessPolicy);

    /// <summary>Checks the policy is consistent: positive window and limits, unique group names, valid namespaces and
    /// agent ids, and agents naming only existing groups.</summary>
    /// <exception cref="AccessPolicyException">Something is wrong; the message says what and where.</exception>
    public void Validate() => AccessPolicyValidator.Validate(this);

    /// <summary>The group called <paramref name="name"/> (ordinal), or <see langword="null"/>.</summary>
    public PrivilegeGroup? FindGroup(string name)
    {
        foreach (var group in Groups)
        {
            if (string.Equals(group.Name, name, StringComparison.Ordinal))
            {
                return group;
            }
        }
        return null;
    }
}
