using System.Net;
using AgentOS.Access;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Access;

/// <summary>The network grant: its entry forms, what a name and an address each need, and the refusal of internal
/// addresses that no address entry names.</summary>
public sealed class NetworkAllowListTests
{
    private static NetworkAllowList List(params string[] entries) => NetworkAllowList.Parse(entries, "g");

    [Test]
    public void NamesSuffixesAndPortsMatchExactly()
    {
        var list = List("example.com:443", "*.pypi.org:80-81", "Files.Test.:*");

        Assert.True(list.AllowsHost("example.com", 443));
        Assert.True(list.AllowsHost("EXAMPLE.com.", 443));
        Assert.False(list.AllowsHost("example.com", 80));
        Assert.False(list.AllowsHost("www.example.com", 443));
        Assert.True(list.AllowsHost("a.pypi.org", 81));
        Assert.False(list.AllowsHost("pypi.org", 80), "a suffix covers subdomains, not the name itself");
        Assert.False(list.AllowsHost("evilpypi.org", 80));
        Assert.False(list.AllowsHost("a.pypi.org", 82));
        Assert.True(list.AllowsHost("files.test", 65535));
    }

    [Test]
    public void AnInternalAddressNeedsAnAddressEntryEvenWhenItsNameIsAllowed()
    {
        var byName = List("svc.test:8080", "*:443");
        var byAddress = List("svc.test:8080", "127.0.0.1:8080", "10.0.0.0/8:*", "[::1]:8080");

        foreach (var internalAddress in new[] { "127.0.0.1", "127.9.9.9", "10.1.2.3", "169.254.169.254", "192.168.1.1", "172.16.0.1", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1" })
        {
            Assert.True(NetworkAllowList.IsInternal(IPAddress.Parse(internalAddress)), internalAddress);
            Assert.False(byName.AllowsAddress(IPAddress.Parse(internalAddress), 8080), internalAddress);
        }
        Assert.False(NetworkAllowList.IsInternal(IPAddress.Parse("93.184.216.34")));
        Assert.True(byName.AllowsAddress(IPAddress.Parse("93.184.216.34"), 8080));
        Assert.True(byAddress.AllowsAddress(IPAddress.Parse("127.0.0.1"), 8080));
        Assert.True(byAddress.AllowsAddress(IPAddress.Parse("::ffff:127.0.0.1"), 8080), "the mapped form is the same address");
        Assert.False(byAddress.AllowsAddress(IPAddress.Parse("127.0.0.1"), 8081));
        Assert.False(byAddress.AllowsAddress(IPAddress.Parse("127.0.0.2"), 8080));
        Assert.True(byAddress.AllowsAddress(IPAddress.Parse("10.200.0.1"), 1));
        Assert.True(byAddress.AllowsAddress(IPAddress.Parse("::1"), 8080));
        Assert.True(byAddress.AllowsHost("127.0.0.1", 8080));
        Assert.True(byAddress.AllowsHost("[::1]", 8080));
        Assert.False(byName.AllowsHost("127.0.0.1", 443), "* names any host, never an internal address literal");
        Assert.True(byName.AllowsHost("1.1.1.1", 443));
    }

    [Test]
    public void MalformedEntriesAreTypedPolicyErrorsThatNameTheEntry()
    {
        foreach (var bad in new[] { "example.com", "example.com:0", "example.com:70000", "example.com:9-8", ":80", "exa mple.com:80", "::1:80", "[::1:80", "10.0.0.0/33:80", "1.2.3:80", "a..b:80", "" })
        {
            var error = Assert.Throws<AccessPolicyException>(() => List(bad), bad);
            Assert.Contains("network entry", error.Message);
            Assert.Contains("HOST:PORT", error.Message);
        }
        var policy = Assert.Throws<AccessPolicyException>(() => AccessPolicy.CreateBuilder().AddGroup("net", g => g.AllowNetwork("nohost")).Build());
        Assert.Contains("Group 'net' network entry \"nohost\"", policy.Message);
    }

    [Test]
    public void GroupsGrantTheUnionOfTheirEntries()
    {
        var union = NetworkAllowList.Union([List("a.test:80"), NetworkAllowList.None, List("127.0.0.1:81")]);

        Assert.True(union.AllowsHost("a.test", 80));
        Assert.True(union.AllowsHost("127.0.0.1", 81));
        Assert.SequenceEqual(["a.test:80", "127.0.0.1:81"], union.Entries);
        Assert.True(NetworkAllowList.Union([NetworkAllowList.None]).IsEmpty);
    }
}
