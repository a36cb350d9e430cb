using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>Policies that <c>serve</c> cannot run with, and unknown scheduling policies in <c>demo</c>: a clear message
/// and exit 2, never a stack trace (exit 134).</summary>
public sealed class PolicyErrorTests
{
    [Test]
    public Task Serve_refuses_a_policy_without_the_agents_group() =>
        AssertServeRefusesAsync("""{ "groups": [ { "name": "researchers", "tools": ["*"] } ] }""",
            "defines no group named 'agents' (it has: 'researchers')");

    [Test]
    public Task Serve_refuses_an_empty_policy() =>
        AssertServeRefusesAsync("{}", "defines no group named 'agents' (it has: )");

    [Test]
    public Task Serve_refuses_a_policy_that_registers_its_echo_agent() =>
        AssertServeRefusesAsync("""{ "groups": [ { "name": "agents" } ], "agents": [ { "id": "echo", "groups": ["agents"] } ] }""",
            "registers an agent named 'echo'");

    [Test]
    public Task Serve_refuses_a_policy_agent_without_groups() =>
        AssertServeRefusesAsync("""{ "groups": [ { "name": "agents" } ], "agents": [ { "id": "bob" } ] }""",
            "Agent 'bob' has no groups");

    [Test]
    public Task Serve_refuses_an_agent_option_that_differs_only_in_case_from_a_policy_agent() =>
        AssertServeRefusesAsync("""{ "groups": [ { "name": "agents" } ], "agents": [ { "id": "alice", "groups": ["agents"] } ] }""",
            "differs only in case", "--agents", "Alice");

    [Test]
    public async Task Demo_names_the_valid_policies_for_an_unknown_one()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", "--policy", "bogus"]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("unknown scheduling policy 'bogus': use one of fifo, priority, sjf, rr, edf, las, wfq.", child.Stderr);
        Assert.Equal("", child.Stdout);
    }

    private static async Task AssertServeRefusesAsync(string policyJson, string expected, params string[] extra)
    {
        using var temp = new TempDirectory("agentos-policy");
        string policy = temp.Combine("policy.json");
        await File.WriteAllTextAsync(policy, policyJson);
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["serve", "--data", temp.Combine("data"), "--token", "policy-test-token", "--policy", policy, .. extra]);
        int exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit, child.Stderr);
        Assert.Contains(expected, child.Stderr);
        Assert.False(child.Stderr.Contains("Unhandled exception", StringComparison.Ordinal), child.Stderr);
        Assert.False(child.Stderr.Contains("listening on", StringComparison.Ordinal), "serve must refuse before it listens");
    }
}
