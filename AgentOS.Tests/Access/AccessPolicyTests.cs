using AgentOS.Access;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;
using static AgentOS.Tests.Access.AccessFixture;

namespace AgentOS.Tests.Access;

/// <summary>The policy in code and in JSON: loading, validation, and the same behaviour from both.</summary>
public sealed class AccessPolicyTests
{
    // The example a kernel config file would carry (snake_case, comments and trailing commas allowed).
    public const string ExampleJson = """
        {
          // Budgets count in fixed windows of this length.
          "budget_window": "00:00:30",
          "approval_timeout": "00:02:00",
          "groups": [
            {
              "name": "researchers",
              "tools": ["search", "calculator"],
              "storage_read": ["shared/"],
              "storage_write": ["shared/drafts/"],
              "memory_read": ["librarian"],
              "llm_backends": ["local"],
              "tokens_per_window": 100000,
              "calls_per_window": 600,
              "max_concurrent": 4
            },
            {
              "name": "curators",
              "tools": ["*"],
              "storage_read": ["*"],
              "storage_write": ["*"],
              "memory_write": ["*"],
              "llm_backends": ["*"],
            }
          ],
          "agents": [
            { "id": "alice", "groups": ["researchers"] },
            { "id": "bob", "groups": [] },
            { "id": "librarian", "groups": ["curators"] }
          ]
        }
        """;

    [Test]
    public void TheExampleJsonLoads()
    {
        var policy = AccessPolicy.FromJson(ExampleJson);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.BudgetWindow);
        Assert.Equal(TimeSpan.FromMinutes(2), policy.ApprovalTimeout);
        Assert.Equal(2, policy.Groups.Count);
        var researchers = Assert.NotNull(policy.FindGroup("researchers"));
        Assert.SequenceEqual(["search", "calculator"], researchers.Tools);
        Assert.SequenceEqual(["shared/drafts/"], researchers.StorageWrite);
        Assert.Equal(100_000, researchers.TokensPerWindow);
        Assert.Equal(600, researchers.CallsPerWindow);
        Assert.Equal(4, researchers.MaxConcurrent);
        Assert.Null(policy.FindGroup("curators")!.CallsPerWindow);
        Assert.SequenceEqual(["alice", "bob", "librarian"], policy.Agents.Select(a => a.Id));
    }

    [Test]
    public void TheJsonPolicyBehavesLikeTheCodePolicy()
    {
        using var fromJson = new AccessFixture(AccessPolicy.FromJson(ExampleJson));
        using var fromCode = new AccessFixture();
        AccessRequest[] requests =
        [
            Tool("alice", "search"), Tool("alice", "shell"), Tool("librarian", "shell"), Tool("bob", "search"),
            StorageAccess("alice", AccessOperation.Read, "shared/x"), StorageAccess("alice", AccessOperation.Write, "shared/x"),
            StorageAccess("alice", AccessOperation.Write, "shared/drafts/x"), StorageAccess("bob", AccessOperation.Write, "agents/bob/x"),
            MemoryAccess("alice", AccessOperation.Read, "librarian"), MemoryAccess("alice", AccessOperation.Write, "librarian"),
            LlmAccess("alice", "local"), LlmAccess("alice", "openai"), LlmAccess("librarian", "openai"),
        ];
        foreach (var request in requests)
        {
            var expected = fromCode.Manager.Check(in request);
            var actual = fromJson.Manager.Check(in request);
            Assert.Equal(expected.Reason, actual.Reason, request.ToString());
            if (actual.Allowed)
            {
                fromJson.Manager.Complete(in request, 0);
                fromCode.Manager.Complete(in request, 0);
            }
        }
        var usage = fromJson.Manager.GetUsage("alice")!.Value;
        Assert.Equal(600L, usage.CallsLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), usage.WindowEndsIn);
    }

    [Test]
    public void APolicyRoundTripsThroughJson()
    {
        var original = AccessPolicy.FromJson(ExampleJson);
        var json = original.ToJson();
        Assert.Contains("\"budget_window\": \"00:00:30\"", json);
        Assert.Contains("\"tokens_per_window\": 100000", json);
        var again = AccessPolicy.FromJson(json);
        Assert.Equal(json, again.ToJson());
    }

    [Test]
    public void APolicyFileLoads()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("access.json");
        File.WriteAllText(path, ExampleJson);
        Assert.Equal(3, AccessPolicy.Load(path).Agents.Count);
    }

    [Test]
    public void BadPoliciesAreRefusedWithMessagesThatSayWhatToChange()
    {
        Refused("{ \"groups\": [ { \"name\": \"a\" ", "malformed (line 1");
        Refused("null", "is 'null'");
        Refused("{ \"budget_window\": \"00:00:00\" }", "budget_window is 00:00:00: it must be positive");
        Refused("{ \"groups\": [ { \"name\": \"a\" }, { \"name\": \"a\" } ] }", "Two groups are called 'a'");
        Refused("{ \"groups\": [ { \"name\": \"a\", \"storage_read\": [\"../etc\"] } ] }", "storage_read entry \"../etc\" is not a valid namespace");
        Refused("{ \"groups\": [ { \"name\": \"a\", \"storage_write\": [\"%2e%2e/\"] } ] }", "storage_write entry");
        Refused("{ \"groups\": [ { \"name\": \"a\", \"calls_per_window\": 0 } ] }", "a limit must be at least 1 (leave it out for no limit)");
        Refused("{ \"groups\": [ { \"name\": \"a\", \"tools\": [\"\"] } ] }", "empty entry in tools");
        Refused("{ \"groups\": [ { \"name\": \"a\", \"memory_read\": [\"../bob\"] } ] }", "not a valid agent id");
        Refused("{ \"agents\": [ { \"id\": \"alice\", \"groups\": [\"admins\"] } ] }", "group 'admins', which the policy does not define");
        Refused("{ \"agents\": [ { \"id\": \"alice\", \"groups\": [] }, { \"id\": \"ALICE\", \"groups\": [] } ] }", "appears twice");
        Refused("{ \"agents\": [ { \"id\": \"../root\", \"groups\": [] } ] }", "invalid value");
        Refused("{ \"groups\": [ { \"tools\": [\"x\"] } ] }", "malformed");
        Refused("{ \"groups\": [ { \"name\": \"a\", \"calls_per_windw\": 5 } ] }", "calls_per_windw");
        Refused("{ \"budget_windw\": \"00:01:00\" }", "budget_windw");
        Refused("{ \"agents\": [ { \"id\": \"alice\", \"groups\": [], \"group\": \"admins\" } ] }", "group");
    }

    [Test]
    public void TheBuilderValidatesToo()
    {
        var ex = Assert.Throws<AccessPolicyException>(() => AccessPolicy.CreateBuilder().AddGroup("g", g => g.LimitConcurrency(-1)).Build());
        Assert.Contains("max_concurrent", ex.Message);
        Assert.Throws<AccessPolicyException>(() => AccessPolicy.CreateBuilder().WithBudgetWindow(TimeSpan.Zero).Build());
    }

    [Test]
    public void TheManagerRegistersThePolicysAgents()
    {
        using var audit = AuditLog.InMemory();
        var manager = new AccessManager(AccessPolicy.FromJson(ExampleJson), DenyAllApprover.Instance, audit, new ManualTimeProvider());
        Assert.Equal(3, manager.AgentCount);
        Assert.SequenceEqual(["researchers"], manager.Find("alice")!.Groups);
    }

    private static void Refused(string json, string expected)
    {
        var ex = Assert.Throws<AccessPolicyException>(() => AccessPolicy.FromJson(json), json);
        Assert.Contains(expected, ex.Message, json);
    }
}
