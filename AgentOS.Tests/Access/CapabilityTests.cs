using AgentOS.Access;
using AgentOS.Tests.Framework;
using static AgentOS.Tests.Access.AccessFixture;

namespace AgentOS.Tests.Access;

/// <summary>Each capability allows what its grant says and denies the rest (policy: <see cref="AccessFixture.StandardPolicy"/>).</summary>
public sealed class CapabilityTests : IDisposable
{
    private readonly AccessFixture _fixture = new();

    private AccessManager Manager => _fixture.Manager;

    public void Dispose() => _fixture.Dispose();

    [Test]
    public void ToolsAreAllowedOnlyWhenAGroupGrantsThem()
    {
        Allowed(Tool("alice", "search"));
        Allowed(Tool("alice", "calculator"));
        var denied = Denied(Tool("alice", "shell"), DenialReason.NotGranted);
        Assert.Contains("may not call tool 'shell'", denied.Message);
        Assert.Contains("researchers", denied.Message);
        Denied(Tool("bob", "search"), DenialReason.NotGranted);
        Denied(Tool("alice", null!), DenialReason.NotGranted);
    }

    [Test]
    public void TheToolWildcardGrantsEveryTool()
    {
        Allowed(Tool("librarian", "shell"));
        Allowed(Tool("librarian", "anything-at-all"));
    }

    [Test]
    public void EveryAgentReadsAndWritesItsOwnNamespaceOnly()
    {
        Allowed(StorageAccess("bob", AccessOperation.Read, "agents/bob/notes.txt"));
        Allowed(StorageAccess("bob", AccessOperation.Write, "agents/bob/deep/er/notes.txt"));
        Allowed(StorageAccess("bob", AccessOperation.Read, "agents/bob"));
        Denied(StorageAccess("bob", AccessOperation.Read, "agents/alice/notes.txt"), DenialReason.NotGranted);
        Denied(StorageAccess("bob", AccessOperation.Write, "agents/alice/notes.txt"), DenialReason.NotGranted);
        Denied(StorageAccess("bob", AccessOperation.Read, "agents/bobby/notes.txt"), DenialReason.NotGranted);
        Denied(StorageAccess("bob", AccessOperation.Read, "Agents/bob/notes.txt"), DenialReason.NotGranted);
        Denied(StorageAccess("bob", AccessOperation.Read, "agents"), DenialReason.NotGranted);
        Denied(StorageAccess("bob", AccessOperation.Read, "shared/report.md"), DenialReason.NotGranted);
    }

    [Test]
    public void StorageReadAndWriteNamespacesAreSeparate()
    {
        Allowed(StorageAccess("alice", AccessOperation.Read, "shared/report.md"));
        Allowed(StorageAccess("alice", AccessOperation.Read, "shared/drafts/a.md"));
        Allowed(StorageAccess("alice", AccessOperation.Write, "shared/drafts/a.md"));
        var denied = Denied(StorageAccess("alice", AccessOperation.Write, "shared/report.md"), DenialReason.NotGranted);
        Assert.Contains("may write only under agents/alice/, shared/drafts/", denied.Message);
        Denied(StorageAccess("alice", AccessOperation.Read, "sharedx/report.md"), DenialReason.NotGranted);
        Allowed(StorageAccess("librarian", AccessOperation.Write, "agents/alice/notes.txt"));
    }

    [Test]
    public void MalformedStoragePathsAreInvalidNotMerelyUngranted()
    {
        var denied = Denied(StorageAccess("librarian", AccessOperation.Read, "agents/alice/../bob/x"), DenialReason.InvalidPath);
        Assert.Contains("'.', '..' or all-dot segment", denied.Message);
        Denied(StorageAccess("alice", AccessOperation.Read, null), DenialReason.InvalidPath);
        Denied(StorageAccess("alice", AccessOperation.Read, "/etc/passwd"), DenialReason.InvalidPath);
    }

    [Test]
    public void MemoryIsPrivateUnlessShared()
    {
        Allowed(MemoryAccess("bob", AccessOperation.Read, null));
        Allowed(MemoryAccess("bob", AccessOperation.Write, "bob"));
        Allowed(MemoryAccess("bob", AccessOperation.Delete, "bob"));
        var denied = Denied(MemoryAccess("bob", AccessOperation.Read, "alice"), DenialReason.NotGranted);
        Assert.Contains("memory_read", denied.Message);
        Denied(MemoryAccess("bob", AccessOperation.Write, "alice"), DenialReason.NotGranted);
    }

    [Test]
    public void AMemoryShareGrantsExactlyWhatItSays()
    {
        Allowed(MemoryAccess("alice", AccessOperation.Read, "librarian"));
        Denied(MemoryAccess("alice", AccessOperation.Write, "librarian"), DenialReason.NotGranted);
        Denied(MemoryAccess("alice", AccessOperation.Read, "bob"), DenialReason.NotGranted);
        Allowed(MemoryAccess("librarian", AccessOperation.Write, "alice"));
        Denied(MemoryAccess("librarian", AccessOperation.Read, "alice"), DenialReason.NotGranted);
    }

    [Test]
    public void LlmBackendsAreAllowedByNameOrWildcard()
    {
        Allowed(LlmAccess("alice", "local"));
        var denied = Denied(LlmAccess("alice", "openai"), DenialReason.NotGranted);
        Assert.Contains("llm_backends", denied.Message);
        Denied(LlmAccess("alice", null), DenialReason.NotGranted);
        Denied(LlmAccess("bob", "local"), DenialReason.NotGranted);
        Allowed(LlmAccess("librarian", "openai"));
        Allowed(LlmAccess("librarian", null));
    }

    [Test]
    public void AnUnknownAgentIsDenied()
    {
        var denied = Denied(Tool("mallory", "search"), DenialReason.UnknownAgent);
        Assert.Contains("not registered", denied.Message);
        Denied(Tool(null!, "search"), DenialReason.UnknownAgent);
        Denied(Tool("ALICE", "search"), DenialReason.UnknownAgent);
    }

    [Test]
    public void AnOperationThatDoesNotFitTheResourceIsDenied()
    {
        var denied = Denied(new AccessRequest("librarian", ResourceKind.Tool, AccessOperation.Read, "search"), DenialReason.NotGranted);
        Assert.Contains("does not apply to Tool: use Call", denied.Message);
        Denied(new AccessRequest("librarian", ResourceKind.Llm, AccessOperation.Call, "local"), DenialReason.NotGranted);
        Denied(new AccessRequest("librarian", ResourceKind.Storage, AccessOperation.Generate, "agents/librarian/x"), DenialReason.NotGranted);
        Denied(new AccessRequest("librarian", ResourceKind.Memory, AccessOperation.Call, null), DenialReason.NotGranted);
        Assert.Contains("is not one of", Denied(new AccessRequest("librarian", (ResourceKind)42, AccessOperation.Read, "x"), DenialReason.NotGranted).Message);
    }

    [Test]
    public void AnAgentInSeveralGroupsGetsTheUnionOfTheirGrants()
    {
        Manager.Register(new AgentIdentity("carol", ["researchers", "curators"]));
        Allowed(Tool("carol", "shell"));
        Allowed(StorageAccess("carol", AccessOperation.Write, "shared/report.md"));
        Allowed(MemoryAccess("carol", AccessOperation.Read, "librarian"));
        Allowed(MemoryAccess("carol", AccessOperation.Write, "alice"));
    }

    [Test]
    public void RegistrationRefusesDuplicatesUnknownGroupsAndCaseTwins()
    {
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => Manager.Register(new AgentIdentity("alice", []))).Message);
        Assert.Contains("differs only in case", Assert.Throws<ArgumentException>(() => Manager.Register(new AgentIdentity("Alice", []))).Message);
        Assert.Contains("does not define", Assert.Throws<ArgumentException>(() => Manager.Register(new AgentIdentity("dave", ["admins"]))).Message);
        Assert.Null(Manager.Find("dave"));
    }

    [Test]
    public void UnregisteredAgentsAreDeniedAndFindReflectsRegistration()
    {
        Assert.Equal("alice", Manager.Find("alice")!.Id);
        Assert.True(Manager.Unregister("alice"));
        Assert.False(Manager.Unregister("alice"));
        Assert.Null(Manager.Find("alice"));
        Denied(Tool("alice", "search"), DenialReason.UnknownAgent);
        Manager.Register(new AgentIdentity("Alice", ["researchers"]));
        Allowed(Tool("Alice", "search"));
    }

    [Test]
    public void AgentIdsMustBeSafeNamespaceNames()
    {
        foreach (var id in new[] { "", "..", ".hidden", "-x", "a/b", "a\\b", "café", "con", "a.", "a b", new string('a', 65) })
        {
            Assert.Throws<ArgumentException>(() => _ = new AgentIdentity(id, []), $"id \"{id}\"");
        }
        Assert.Equal("agents/agent_7.v2-b/", StoragePath.AgentNamespace("agent_7.v2-b"));
    }

    [Test]
    public void EveryDenialIsOnDiskBeforeCheckReturns()
    {
        Denied(Tool("alice", "shell"), DenialReason.NotGranted);
        var denials = _fixture.AuditOnDisk().Where(r => r.Decision == AuditDecision.Denied).ToList();
        Assert.Equal(1, denials.Count);
        var record = denials[0];
        Assert.Equal("alice", record.Agent);
        Assert.Equal(ResourceKind.Tool, record.Resource);
        Assert.Equal(AccessOperation.Call, record.Operation);
        Assert.Equal("shell", record.Target);
        Assert.Equal(DenialReason.NotGranted, record.Reason);
        Assert.Equal(_fixture.Time.GetUtcNow(), record.Time);
    }

    private void Allowed(AccessRequest request)
    {
        var decision = Manager.Check(in request);
        Assert.True(decision.Allowed, $"{request} should be allowed; got {decision.Reason}: {decision.Message}");
        Assert.Equal(DenialReason.None, decision.Reason);
        Assert.Null(decision.Message);
        Manager.Complete(in request, 0);
    }

    private AccessDecision Denied(AccessRequest request, DenialReason reason)
    {
        var decision = Manager.Check(in request);
        Assert.False(decision.Allowed, $"{request} should be denied");
        Assert.Equal(reason, decision.Reason, $"{request}: {decision.Message}");
        Assert.False(string.IsNullOrEmpty(decision.Message), "a denial says what to do");
        return decision;
    }
}
