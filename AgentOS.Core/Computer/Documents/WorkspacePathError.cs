namespace AgentOS.Computer.Documents;

/// <summary>Why a workspace path was refused or could not be opened.</summary>
public enum WorkspacePathError
{
    /// <summary>The path is empty, has a NUL byte, or is otherwise malformed.</summary>
    Invalid,

    /// <summary>The path is absolute; paths are relative to the workspace.</summary>
    Absolute,

    /// <summary>A <c>..</c> climbs above the workspace root.</summary>
    EscapesRoot,

    /// <summary>A symlink on the way (at any component) leads outside the workspace.</summary>
    SymlinkOutside,

    /// <summary>More than 40 symlinks were followed (a loop).</summary>
    TooManyLinks,

    /// <summary>Nothing exists at the path.</summary>
    NotFound,

    /// <summary>A component that must be a directory is not one.</summary>
    NotADirectory,

    /// <summary>The path names a directory, a pipe or a device where a regular file is needed.</summary>
    NotAFile,

    /// <summary>The operating system refused access.</summary>
    AccessDenied,
}
