namespace AgentOS.Threading;

/// <summary>
/// Thrown when a caller that requires CPU affinity cannot have it: <see cref="CpuAffinity.PinCurrentThread"/>,
/// a <see cref="PinnedThreadPool"/> with <see cref="PinnedThreadPoolOptions.RequirePinning"/>, or a failed read of the
/// allowed CPU set. <see cref="Result"/> says why a pin failed.
/// </summary>
public sealed class AffinityException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AffinityException()
        : base("CPU affinity could not be read or set.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AffinityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public AffinityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed pin; its message is the result's.</summary>
    public AffinityException(PinResult result)
        : base(result?.Message)
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>The failed pin, when the exception stands for one.</summary>
    public PinResult? Result { get; }
}
