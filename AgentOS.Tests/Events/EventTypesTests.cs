using AgentOS.Events;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Events;

public sealed class EventTypesTests
{
    [Test]
    public void RegistrationIsByUniqueNameAndUniqueType()
    {
        var types = TestBus.Types();
        types.Register(TestBus.PingName, TestEventsJsonContext.Default.Ping); // the same again: nothing changes
        Assert.Equal(TestBus.PingName, types.GetName<Ping>());
        Assert.True(types.TryGet(TestBus.PongName, out var pong) && pong.ClrType == typeof(Pong));

        var renamed = Assert.Throws<ArgumentException>(() => types.Register("tests.other", TestEventsJsonContext.Default.Ping));
        Assert.Contains("already registered as 'tests.ping'", renamed.Message);
        var taken = Assert.Throws<ArgumentException>(() => types.Register(TestBus.PingName, TestEventsJsonContext.Default.Unregistered));
        Assert.Contains("already taken", taken.Message);
        Assert.Throws<ArgumentException>(() => types.Register(" padded ", TestEventsJsonContext.Default.Unregistered));
        Assert.Throws<ArgumentException>(() => types.Register("", TestEventsJsonContext.Default.Unregistered));
        Assert.Equal(3, types.All.Count, "ping, pong and the built-in subscriber fault");
        Assert.Throws<EventTypeNotRegisteredException>(() => types.GetName<Unregistered>());
    }

    [Test]
    public void SubscriberFaultIsBuiltIn()
    {
        var types = new EventTypes();
        Assert.Equal(EventTypes.SubscriberFaultName, types.GetName<SubscriberFault>());
    }
}
