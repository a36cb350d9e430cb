using AgentOS.Computer.Sessions;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer;

/// <summary>The session's terminal transcript keeps the newest output and at most its capacity, counting what it dropped.</summary>
public sealed class TerminalTranscriptTests
{
    [Test]
    public void ItKeepsTheNewestCharactersUpToItsCapacityAndCountsTheDropped()
    {
        var transcript = new TerminalTranscript();
        transcript.Append("first\n");
        Assert.Equal(("first\n", 0L), transcript.Read());

        transcript.Append(new string('x', TerminalTranscript.Capacity - 3) + "END");
        var (text, dropped) = transcript.Read();
        Assert.Equal(TerminalTranscript.Capacity, text.Length);
        Assert.Equal(6L, dropped); // "first\n" went
        Assert.True(text.EndsWith("END", StringComparison.Ordinal));

        transcript.Append("tail");
        (text, dropped) = transcript.Read();
        Assert.Equal(TerminalTranscript.Capacity, text.Length);
        Assert.Equal(10L, dropped);
        Assert.True(text.EndsWith("ENDtail", StringComparison.Ordinal));

        transcript.Append(new string('y', TerminalTranscript.Capacity + 5));
        (text, dropped) = transcript.Read();
        Assert.Equal(new string('y', TerminalTranscript.Capacity), text);
        Assert.Equal(10L + TerminalTranscript.Capacity + 5, dropped);
    }
}
