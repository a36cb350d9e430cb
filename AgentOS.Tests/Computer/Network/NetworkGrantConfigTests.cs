using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Network;

/// <summary>The network grant in the policy file and the access manager, and the <c>computer.network</c> section of
/// the kernel config.</summary>
public sealed class NetworkGrantConfigTests
{
    [Test]
    public void TheNetworkGrantReadsFromThePolicyFileAndAnAgentGetsTheUnionOfItsGroups()
    {
        var policy = AccessPolicy.FromJson("""{"groups":[{"name":"web","network":["pypi.org:443","*.pythonhosted.org:443"]},{"name":"local","network":["127.0.0.1:8080"]},{"name":"none"}]}""");
        using var audit = AuditLog.InMemory();
        var access = new AccessManager(policy, DenyAllApprover.Instance, audit, TimeProvider.System);
        access.Register(new AgentIdentity("both", ["web", "local"]));
        access.Register(new AgentIdentity("plain", ["none"]));

        var both = access.NetworkGrant("both")!;
        Assert.True(both.AllowsHost("pypi.org", 443));
        Assert.True(both.AllowsHost("files.pythonhosted.org", 443));
        Assert.True(both.AllowsHost("127.0.0.1", 8080));
        Assert.False(both.AllowsHost("pypi.org", 80));
        Assert.True(access.NetworkGrant("plain")!.IsEmpty, "no entry: no network");
        Assert.Null(access.NetworkGrant("nobody"));
        Assert.Contains("\"network\": [", policy.ToJson());
        var bad = Assert.Throws<AccessPolicyException>(() => AccessPolicy.FromJson("""{"groups":[{"name":"g","network":["pypi.org"]}]}"""));
        Assert.Contains("Group 'g' network entry \"pypi.org\"", bad.Message);
    }

    [Test]
    public void TheKernelConfigReadsTheNetworkSectionAndKeepsDefaultsForKeysLeftOut()
    {
        var config = KernelConfig.Parse("""{"computer":{"unisolated_with_kernel_privileges":true,"network":{"max_connections":4,"max_bytes":1048576,"connect_timeout":"00:00:03"}}}""");
        var network = config.ToOptions().Computer!.Network;

        Assert.Equal(4, network.MaxConnections);
        Assert.Equal(1048576L, network.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(3), network.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), network.RequestTimeout);
        Assert.Equal(3128, network.SandboxPort);
        Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{"computer":{"network":{"max_conections":4}}}"""));
        var zero = Assert.Throws<ArgumentException>(() => new AgentOS.Computer.ComputerOptions { Network = { MaxConnections = 0 } }.Validate());
        Assert.Contains("computer.network.max_connections", zero.Message);
    }
}
