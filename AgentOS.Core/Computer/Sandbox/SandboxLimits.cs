namespace AgentOS.Computer.Sandbox;

/// <summary>
/// What one session may use. CPU seconds, memory (address space), file size and open files are per process
/// (<c>setrlimit</c>); processes count every process of the session, because each session runs as a host user of its
/// own; disk is the workspace's size cap (a tmpfs of that size: writing past it fails with ENOSPC).
/// </summary>
public sealed record SandboxLimits
{
    /// <summary>The defaults.</summary>
    public SandboxLimits()
        : this(cpuSeconds: 120)
    {
    }

    // The config reads limits through this: with init-only properties alone, the source-generated reader passes 0 for
    // every key left out ("limits": {"processes": 32} would zero the CPU, memory and disk limits).
    /// <summary>Limits with the defaults for any not given.</summary>
    [System.Text.Json.Serialization.JsonConstructor]
    public SandboxLimits(int cpuSeconds = 120, long memoryBytes = 2L << 30, int processes = 128, long fileSizeBytes = 64L << 20, int openFiles = 256, long diskBytes = 256L << 20)
    {
        CpuSeconds = cpuSeconds;
        MemoryBytes = memoryBytes;
        Processes = processes;
        FileSizeBytes = fileSizeBytes;
        OpenFiles = openFiles;
        DiskBytes = diskBytes;
    }

    /// <summary>CPU seconds per process (RLIMIT_CPU). Default 120.</summary>
    public int CpuSeconds { get; init; }

    /// <summary>Address space per process (RLIMIT_AS). Default 2 GiB (Node and Python reserve more than they use).</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Processes of the session at once (RLIMIT_NPROC of its own host user). Default 128.</summary>
    public int Processes { get; init; }

    /// <summary>Largest file a process may write (RLIMIT_FSIZE). Default 64 MiB.</summary>
    public long FileSizeBytes { get; init; }

    /// <summary>Open files per process (RLIMIT_NOFILE). Default 256.</summary>
    public int OpenFiles { get; init; }

    /// <summary>The workspace's size cap. Default 256 MiB.</summary>
    public long DiskBytes { get; init; }

    /// <summary>Checks every limit is positive.</summary>
    /// <exception cref="ArgumentException">A limit is zero or negative.</exception>
    public void Validate()
    {
        Positive(CpuSeconds, "cpu_seconds");
        Positive(MemoryBytes, "memory_bytes");
        Positive(Processes, "processes");
        Positive(FileSizeBytes, "file_size_bytes");
        Positive(OpenFiles, "open_files");
        Positive(DiskBytes, "disk_bytes");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"The sandbox limit {name} is {value}: it must be at least 1.");
        }
    }
}
