namespace AgentOS.Storage;

/// <summary>The forms a <see cref="RollbackTarget"/> takes.</summary>
public enum RollbackTargetKind
{
    /// <summary>A version number.</summary>
    Version,

    /// <summary>A number of versions back from the current one.</summary>
    Back,

    /// <summary>The version current at a moment.</summary>
    AsOf,
}
