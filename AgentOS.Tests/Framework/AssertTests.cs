namespace AgentOS.Tests.Framework;

/// <summary>The assert library's own behaviour: what it accepts, and what its failure messages say.</summary>
public sealed class AssertTests
{
    [Test]
    public void SequenceDiffPointsAtTheFirstDifference()
    {
        var ex = Assert.Throws<AssertException>(() => Assert.SequenceEqual([1, 2, 3, 4, 5], [1, 2, 9, 4, 5]));
        Assert.Contains("differ at index 2", ex.Message);
        Assert.Equal("[1, 2, ⟨3⟩, 4, 5]", ex.Expected);
        Assert.Equal("[1, 2, ⟨9⟩, 4, 5]", ex.Actual);

        var shorter = Assert.Throws<AssertException>(() => Assert.SequenceEqual([1, 2, 3], [1, 2]));
        Assert.Contains("differ in length (3 expected, 2 actual)", shorter.Message);
        Assert.Equal("[1, 2, ⟨end⟩]", shorter.Actual);
    }

    [Test]
    public void StringDiffNamesIndexAndLine()
    {
        var ex = Assert.Throws<AssertException>(() => Assert.Equal("line one\nline two", "line one\nline 2wo"));
        Assert.Contains("differ at index 14 (line 2", ex.Message);
        Assert.Equal("line one\\nline ⟨two⟩", ex.Expected);
    }

    [Test]
    public void ThrowsRejectsTheWrongTypeAndNoThrow()
    {
        var wrong = Assert.Throws<AssertException>(() => Assert.Throws<ArgumentException>(() => throw new InvalidOperationException("x")));
        Assert.Equal("ArgumentException", wrong.Expected);
        Assert.Equal("InvalidOperationException: x", wrong.Actual);
        var none = Assert.Throws<AssertException>(() => Assert.Throws<ArgumentException>(() => { }));
        Assert.Equal("no exception", none.Actual);
    }

    [Test]
    public async Task ThrowsAsyncReturnsTheException()
    {
        var ex = await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await Task.Yield();
            throw new TimeoutException("late");
        });
        Assert.Equal("late", ex.Message);
    }

    [Test]
    public void NearAndInRangeHonourTheirBounds()
    {
        Assert.Near(1.0, 1.05, 0.1);
        Assert.Throws<AssertException>(() => Assert.Near(1.0, 1.2, 0.1));
        Assert.Throws<AssertException>(() => Assert.Near(1.0, double.NaN, 0.1));
        Assert.InRange(5, 1, 5);
        var ex = Assert.Throws<AssertException>(() => Assert.InRange(6, 1, 5));
        Assert.Equal("in [1, 5]", ex.Expected);
    }
}
