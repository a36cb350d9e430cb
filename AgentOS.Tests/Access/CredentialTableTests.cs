using AgentOS.Access;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Access;

/// <summary>The one credential table: bearer tokens to principals, revocation in code and through the file, and the
/// act_for / approve / monitor grants an access policy gives principals.</summary>
public sealed class CredentialTableTests
{
    [Test]
    public void ATokenAuthenticatesAsItsPrincipalAndEverythingElseIsRefusedWithAReason()
    {
        var table = new CredentialTable();
        table.Add("sk-alice", new Principal("alice"));
        table.Add("root", new Principal("ops", IsAdmin: true));

        Assert.Equal(new Principal("alice"), table.Authenticate("Bearer sk-alice").Principal);
        Assert.Equal(new Principal("alice"), table.Authenticate("bearer  sk-alice ").Principal, "the scheme ignores case; the token is trimmed");
        Assert.True(table.Authenticate("Bearer root").Principal!.IsAdmin);
        Assert.Equal(AuthenticationFailure.Missing, table.Authenticate(null).Failure);
        Assert.Equal(AuthenticationFailure.Missing, table.Authenticate("").Failure);
        Assert.Equal(AuthenticationFailure.Malformed, table.Authenticate("Basic c2stYWxpY2U=").Failure);
        Assert.Equal(AuthenticationFailure.Malformed, table.Authenticate("Bearer ").Failure);
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer sk-alicE").Failure);
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer sk-alice-and-more").Failure);
        Assert.Contains("Authorization: Bearer", table.Authenticate(null).Describe());
        Assert.True(table.HasAdmin);
        Assert.Throws<ArgumentException>(() => table.Add("sk-alice", new Principal("mallory")));
        Assert.Throws<ArgumentException>(() => table.Add(" padded", new Principal("mallory")));
        Assert.Throws<ArgumentException>(() => table.Add("in side", new Principal("mallory"))); // a header would split it
        Assert.Throws<ArgumentException>(() => table.Add("tab\there", new Principal("mallory")));
        Assert.Equal(new Principal("alice"), table.Authenticate("Bearer sk-alice").Principal, "a refused add changes nothing");

        Assert.True(table.Revoke("sk-alice"));
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer sk-alice").Failure);
        Assert.False(table.Revoke("sk-alice"));
        Assert.Equal(1, table.Count);
    }

    [Test]
    public void TheCredentialsFileIsReloadedWhenItChangesAndFailsClosedWhenBroken()
    {
        using var temp = new TempDirectory("agentos-credentials");
        string path = temp.Combine("credentials.json");
        var table = new CredentialTable(path); // absent: no credentials yet
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer t-alice").Failure);

        Write(path, $$"""{ "credentials": [ { "agent": "alice", "token_sha256": "{{CredentialTable.HashToHex("t-alice")}}" }, { "agent": "ops", "token": "t-ops", "admin": true } ] }""");
        Assert.Equal(new Principal("alice"), table.Authenticate("Bearer t-alice").Principal);
        Assert.Equal(new Principal("ops", true), table.Authenticate("Bearer t-ops").Principal);

        Write(path, """{ "credentials": [ { "agent": "ops", "token": "t-ops", "admin": true } ] }""");
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer t-alice").Failure, "revoked by editing the file");

        Write(path, """{ "credentials": [ { "agent": "ops", "token": "t-ops", "admin": tru""");
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer t-ops").Failure, "a broken file accepts nothing it held");
        Assert.Contains(path, table.FileError!);

        Write(path, """{ "credentials": [ { "agent": "ops", "token": "t-ops", "admin": true } ] }""");
        Assert.Equal(new Principal("ops", true), table.Authenticate("Bearer t-ops").Principal);
        Assert.Null(table.FileError);

        File.Delete(path);
        Assert.Equal(AuthenticationFailure.Unknown, table.Authenticate("Bearer t-ops").Failure, "a deleted file revokes everything it held");
    }

    [Test]
    public void AnInvalidCredentialsFileIsRefusedAtStartWithTheReason()
    {
        using var temp = new TempDirectory("agentos-credentials-bad");
        string path = temp.Combine("credentials.json");
        foreach (var (json, expected) in new[]
        {
            ("""{ "credentials": [ { "agent": "alice", "token": "t", "token_sha256": "00" } ] }""", "exactly one of"),
            ("""{ "credentials": [ { "agent": "alice", "token_sha256": "ABC" } ] }""", "exactly one of"),
            ("""{ "credentials": [ { "agent": "../x", "token": "t" } ] }""", "valid agent id"),
            ("""{ "credentials": [ { "agent": "alice", "token": "t", "admn": true } ] }""", "cannot be read"),
        })
        {
            Write(path, json);
            var error = Assert.Throws<CredentialFileException>(() => _ = new CredentialTable(path));
            Assert.Contains(expected, error.Message, json);
        }
    }

    [Test]
    public void ActForApproveAndMonitorAreGrantsOfThePolicyAndAnAdminHoldsThemAll()
    {
        var policy = AccessPolicy.FromJson("""
            {
              "groups": [
                { "name": "orchestrators", "act_for": ["worker"], "approve": true },
                { "name": "watchers", "monitor": true },
                { "name": "everyone", "act_for": ["*"] }
              ],
              "agents": [ { "id": "orch", "groups": ["orchestrators"] }, { "id": "watch", "groups": ["watchers"] },
                          { "id": "boss", "groups": ["everyone"] }, { "id": "worker", "groups": [] } ]
            }
            """);
        using var audit = AuditLog.InMemory();
        var manager = new AccessManager(policy, DenyAllApprover.Instance, audit, new ManualTimeProvider());
        Principal orch = new("orch"), watch = new("watch"), boss = new("boss"), worker = new("worker"), admin = new("root", IsAdmin: true);

        Assert.True(manager.MayActFor(orch, "worker"));
        Assert.True(manager.MayActFor(orch, "orch"), "itself");
        Assert.False(manager.MayActFor(orch, "watch"));
        Assert.False(manager.MayActFor(worker, "orch"));
        Assert.True(manager.MayActFor(boss, "anyone-at-all"));
        Assert.True(manager.MayActFor(admin, "worker"));
        Assert.False(manager.MayActFor(new Principal("unregistered"), "worker"));

        Assert.True(manager.MayApprove(orch));
        Assert.False(manager.MayApprove(watch));
        Assert.False(manager.MayApprove(boss));
        Assert.True(manager.MayApprove(admin));

        Assert.True(manager.MayMonitor(watch));
        Assert.False(manager.MayMonitor(orch));
        Assert.True(manager.MayMonitor(admin));
        Assert.True(manager.MaySee(orch, "worker"));
        Assert.False(manager.MaySee(orch, "watch"));

        var bad = Assert.Throws<AccessPolicyException>(() => AccessPolicy.FromJson("""{ "groups": [ { "name": "g", "act_for": ["../x"] } ] }"""));
        Assert.Contains("act_for", bad.Message);
        Assert.True(policy.ToJson().Contains("\"act_for\"", StringComparison.Ordinal), "the grants round-trip");
    }

    [Test]
    public void AnAuditRecordSaysWhoActedForTheAgent()
    {
        using var fixture = new AccessFixture();
        var decision = fixture.Manager.Check(new AccessRequest("alice", ResourceKind.Tool, AccessOperation.Call, "search", ActedBy: "orch"));
        Assert.True(decision.Allowed);
        fixture.Manager.Check(new AccessRequest("alice", ResourceKind.Tool, AccessOperation.Call, "shell", ActedBy: "orch"));
        fixture.Audit.FlushAsync().GetAwaiter().GetResult();
        var records = AuditLog.ReadFile(fixture.AuditPath);
        Assert.Equal("orch", records.Single(r => r.Target == "search").ActedBy);
        Assert.Equal("orch", records.Single(r => r.Target == "shell" && r.Decision == AuditDecision.Denied).ActedBy);
    }

    // A new size or a later modification time is what the table notices; make each write differ in size.
    private static int _writes;

    private static void Write(string path, string json)
    {
        File.WriteAllText(path + ".tmp", json + new string(' ', Interlocked.Increment(ref _writes)));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
