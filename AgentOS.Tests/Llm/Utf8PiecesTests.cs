using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Llm;

public sealed class Utf8PiecesTests
{
    [Test]
    public void ACharacterSplitAcrossPiecesComesOutWholeOnce()
    {
        var text = new Utf8Pieces();
        Assert.Equal("Caf", text.Decode("Caf"u8));
        Assert.Equal("", text.Decode([0xC3]));           // first byte of "é"
        Assert.Equal("é!", text.Decode([0xA9, (byte)'!'])); // its last byte, then more
        Assert.Equal("", text.Decode([0xF0, 0x9F]));      // half of "🙂" (4 bytes)
        Assert.Equal("", text.Decode([0x99]));
        Assert.Equal("🙂", text.Decode([0x82]));
    }

    [Test]
    public void ItSaysWhileACharacterIsPartialSoAGenerationDoesNotSuspendThen()
    {
        var text = new Utf8Pieces();
        Assert.False(text.HasPartial);
        Assert.Equal("", text.Decode([0xF0, 0x9F]));
        Assert.True(text.HasPartial, "two of four bytes held");
        Assert.True(text.HasPartial, "asking does not drop them");
        Assert.Equal("", text.Decode([0x99]));
        Assert.True(text.HasPartial);
        Assert.Equal("🙂a", text.Decode([0x82, (byte)'a']));
        Assert.False(text.HasPartial);
    }
}
