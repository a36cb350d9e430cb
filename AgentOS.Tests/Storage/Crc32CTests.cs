using System.Text;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage;

public sealed class Crc32CTests
{
    // RFC 3720 (iSCSI) appendix B.4 and the usual check value of "123456789".
    [Test]
    public void PublishedVectorsMatch()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Test]
    public void TheHardwarePathAgreesWithTheTableAtEveryLengthAndAlignment()
    {
        var random = new Random(5);
        var data = new byte[4096];
        random.NextBytes(data);
        for (int length = 0; length < 300; length++)
        {
            for (int start = 0; start < 9; start++)
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(~Crc32C.UpdateWithTable(~0u, slice), Crc32C.Compute(slice), $"length {length}, offset {start}");
            }
        }
    }

    [Test]
    public void AppendingContinuesAChecksum()
    {
        var data = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog");
        for (int split = 0; split <= data.Length; split++)
        {
            Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Test]
    public void CombiningTwoChecksumsGivesTheChecksumOfTheConcatenation()
    {
        var random = new Random(7);
        var data = new byte[3000];
        random.NextBytes(data);
        foreach (int length in new[] { 0, 1, 2, 7, 8, 9, 63, 64, 1024, 1055, 3000 })
        {
            for (int trial = 0; trial < 20; trial++)
            {
                int split = random.Next(length + 1);
                var a = data.AsSpan(0, split);
                var b = data.AsSpan(split, length - split);
                Assert.Equal(Crc32C.Compute(data.AsSpan(0, length)), Crc32C.Combine(Crc32C.Compute(a), Crc32C.Compute(b), b.Length), $"length {length}, split {split}");
            }
        }
        Assert.Equal(0x12345678u, Crc32C.Combine(0x12345678u, 0, 0), "nothing appended changes nothing");
    }
}
