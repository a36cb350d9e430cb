using AgentOS.Access;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Access;

/// <summary>
/// An access manager on virtual time with an audit file in a temp folder. Tests build the policy they need (or take
/// <see cref="StandardPolicy"/>) and read the audit file back from disk, the way a crash would leave it.
/// </summary>
public sealed class AccessFixture : IDisposable
{
    private readonly TempDirectory _directory = new("agentos-access");

    public AccessFixture(AccessPolicy? policy = null, IApprover? approver = null, AuditLogOptions? auditOptions = null)
    {
        AuditPath = _directory.Combine("audit.jsonl");
        Audit = AuditLog.Open(AuditPath, auditOptions ?? new AuditLogOptions { TimeProvider = Time });
        Manager = new AccessManager(policy ?? StandardPolicy(), approver ?? DenyAllApprover.Instance, Audit, Time);
    }

    public ManualTimeProvider Time { get; } = new();

    public AuditLog Audit { get; }

    public string AuditPath { get; }

    public AccessManager Manager { get; }

    public string StorageRoot => _directory.Combine("store");

    /// <summary>
    /// alice: researchers (tools search and calculator, reads shared/, writes shared/drafts/, reads librarian's memory,
    /// the "local" backend). bob: no groups. librarian: curators (every tool, every backend, reads and writes the whole
    /// store, writes every agent's memory).
    /// </summary>
    public static AccessPolicy StandardPolicy() => AccessPolicy.CreateBuilder()
        .AddGroup("researchers", g => g
            .AllowTools("search", "calculator")
            .ReadStorage("shared/")
            .WriteStorage("shared/drafts")
            .ReadMemoryOf("librarian")
            .UseLlm("local"))
        .AddGroup("curators", g => g
            .AllowTools("*")
            .UseLlm("*")
            .ReadStorage("*")
            .WriteStorage("*")
            .WriteMemoryOf("*"))
        .AddAgent("alice", "researchers")
        .AddAgent("bob")
        .AddAgent("librarian", "curators")
        .Build();

    /// <summary>A policy with one group "limited" configured by <paramref name="configure"/> and agent "alice" in it.</summary>
    public static AccessPolicy Limited(Action<PrivilegeGroupBuilder> configure, TimeSpan? window = null) => AccessPolicy.CreateBuilder()
        .WithBudgetWindow(window ?? TimeSpan.FromMinutes(1))
        .AddGroup("limited", g => configure(g.AllowTools("*").UseLlm("*")))
        .AddAgent("alice", "limited")
        .Build();

    public static AccessRequest Tool(string agent, string tool, bool irreversible = false) =>
        new(agent, ResourceKind.Tool, AccessOperation.Call, tool, Irreversible: irreversible);

    public static AccessRequest StorageAccess(string agent, AccessOperation operation, string? path) =>
        new(agent, ResourceKind.Storage, operation, path);

    public static AccessRequest MemoryAccess(string agent, AccessOperation operation, string? owner) =>
        new(agent, ResourceKind.Memory, operation, owner);

    public static AccessRequest LlmAccess(string agent, string? backend, int tokens = 0) =>
        new(agent, ResourceKind.Llm, AccessOperation.Generate, backend, tokens);

    /// <summary>The audit file as a crash would leave it: read from disk while the log is still open.</summary>
    public IReadOnlyList<AuditRecord> AuditOnDisk() => AuditLog.ReadFile(AuditPath);

    public void Dispose()
    {
        Audit.Dispose();
        _directory.Dispose();
    }
}
