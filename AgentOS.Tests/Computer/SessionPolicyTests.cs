using AgentOS.Access;
using AgentOS.Computer.Sandbox;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer;

/// <summary>Session grants in the policy file, the computer section of the config, and the errors that name what to install.</summary>
public sealed class SessionPolicyTests
{
    [Test]
    public void SessionGrantsReadFromThePolicyFileAndBadValuesAreRefused()
    {
        var policy = AccessPolicy.FromJson("""{"groups":[{"name":"coders","tools":["session.create","terminal.run"],"max_sessions":3,"session_disk_bytes":1048576}]}""");
        Assert.Equal(3, policy.Groups[0].MaxSessions);
        Assert.Equal(1048576L, policy.Groups[0].SessionDiskBytes);
        Assert.Contains("\"max_sessions\": 3", policy.ToJson());

        var zero = Assert.Throws<AccessPolicyException>(() => AccessPolicy.FromJson("""{"groups":[{"name":"g","max_sessions":0}]}"""));
        Assert.Contains("max_sessions", zero.Message);
        var tiny = Assert.Throws<AccessPolicyException>(() => AccessPolicy.FromJson("""{"groups":[{"name":"g","session_disk_bytes":100}]}"""));
        Assert.Contains("session_disk_bytes", tiny.Message);
    }

    [Test]
    public void AnAgentGetsTheLargestSessionLimitAnyOfItsGroupsSetsAndTheKernelDefaultOtherwise()
    {
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("small", g => g.LimitSessions(1, 4096))
            .AddGroup("big", g => g.LimitSessions(5))
            .AddGroup("none", g => g.AllowTools("math.add"))
            .Build();
        using var audit = AuditLog.InMemory();
        var access = new AccessManager(policy, DenyAllApprover.Instance, audit, TimeProvider.System);
        access.Register(new AgentIdentity("both", ["small", "big", "none"]));
        access.Register(new AgentIdentity("plain", ["none"]));

        Assert.Equal(((int?)5, (long?)4096), access.SessionGrants("both")!.Value);
        Assert.Equal(((int?)null, (long?)null), access.SessionGrants("plain")!.Value); // the kernel's computer.max_sessions applies
        Assert.Null(access.SessionGrants("nobody"));
    }

    [Test]
    public void TheKernelConfigReadsTheComputerSection()
    {
        var config = KernelConfig.Parse("""{"computer":{"unisolated_with_kernel_privileges":true,"max_sessions":2,"idle_timeout":"00:05:00","tool_binds":["/opt/node"],"limits":{"disk_bytes":1048576,"processes":32}}}""");
        var computer = config.ToOptions().Computer!;
        Assert.True(computer.UnisolatedWithKernelPrivileges);
        Assert.Equal(2, computer.MaxSessions);
        Assert.Equal(TimeSpan.FromMinutes(5), computer.IdleTimeout);
        Assert.Equal(32, computer.Limits.Processes);
        Assert.Equal(1048576L, computer.Limits.DiskBytes);
        Assert.Equal(120, computer.Limits.CpuSeconds); // left out: the default, not 0
        Assert.Equal(256, computer.Limits.OpenFiles);
        Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{"computer":{"unisolated":true}}"""));
    }

    [Test]
    public void AMissingBubblewrapIsAnErrorThatNamesThePackage()
    {
        Skip.If(!OperatingSystem.IsLinux(), "bubblewrap is the Linux provider");
        var error = Assert.Throws<SandboxUnavailableException>(() =>
        {
            if (OperatingSystem.IsLinux()) // the analyzer sees guards only inside the lambda
            {
                BubblewrapSandbox.FindTool("bwrap-not-installed-here", "bubblewrap", "bubblewrap");
            }
        });
        Assert.Contains("apt-get install bubblewrap", error.Message);
        Assert.Contains("unisolated_with_kernel_privileges", error.Message);
    }

}
