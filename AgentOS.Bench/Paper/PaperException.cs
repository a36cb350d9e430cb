namespace AgentOS.Bench.Paper;

/// <summary>The paper cannot be built or failed its check; the message says what to do.</summary>
internal sealed class PaperException : Exception
{
    public PaperException(string message)
        : base(message)
    {
    }

    public PaperException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
