namespace AgentOS.Memory;

/// <summary>
/// Fixed-size blocks carved from large pinned slabs. A block is a number; its bytes are a span into its slab, so the
/// memory store keeps no object per item and the GC sees a handful of large arrays instead of millions of strings.
/// Freed blocks go back to a free stack and are handed out again before a new slab is allocated; slabs are never
/// returned (the global limit bounds how many exist). Not thread-safe: the store serializes access.
/// </summary>
internal sealed class BlockPool
{
    private readonly List<byte[]> _slabs = [];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _carved;

    public BlockPool(int blockSize, int blocksPerSlab)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(blocksPerSlab, 1);
        BlockSize = blockSize;
        BlocksPerSlab = blocksPerSlab;
    }

    public int BlockSize { get; }

    public int BlocksPerSlab { get; }

    /// <summary>Blocks handed out and not yet returned.</summary>
    public int InUse => _carved - _freeCount;

    /// <summary>Bytes of slabs allocated so far.</summary>
    public long ReservedBytes => (long)_slabs.Count * BlockSize * BlocksPerSlab;

    public int Rent()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }
        if (_carved == _slabs.Count * BlocksPerSlab)
        {
            _slabs.Add(GC.AllocateUninitializedArray<byte>(BlockSize * BlocksPerSlab, pinned: true));
        }
        return _carved++;
    }

    public void Return(int block)
    {
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }
        _free[_freeCount++] = block;
    }

    public Memory<byte> Memory(int block) =>
        _slabs[block / BlocksPerSlab].AsMemory(block % BlocksPerSlab * BlockSize, BlockSize);

    public Span<byte> Span(int block) =>
        _slabs[block / BlocksPerSlab].AsSpan(block % BlocksPerSlab * BlockSize, BlockSize);
}
