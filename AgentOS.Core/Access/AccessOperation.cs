namespace AgentOS.Access;

/// <summary>What a syscall does to its resource.</summary>
public enum AccessOperation
{
    /// <summary>Reads memory or storage (including listing a storage namespace).</summary>
    Read,

    /// <summary>Creates or changes memory or storage.</summary>
    Write,

    /// <summary>Removes memory or storage. Deleting storage always needs approval.</summary>
    Delete,

    /// <summary>Calls a tool.</summary>
    Call,

    /// <summary>Generates with an LLM backend.</summary>
    Generate,
}
