namespace AgentOS.Kernel;

/// <summary>The kernel's config file is unreadable or invalid; the message names the key and what is allowed.</summary>
public sealed class KernelConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KernelConfigException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KernelConfigException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public KernelConfigException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
