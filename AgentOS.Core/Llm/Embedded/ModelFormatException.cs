namespace AgentOS.Llm.Embedded;

/// <summary>A model or tokenizer file is truncated, foreign or inconsistent; the message names the file and what is wrong.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
