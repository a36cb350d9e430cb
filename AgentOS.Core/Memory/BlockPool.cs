using System.Buffers;
using System.Runtime.InteropServices;

namespace AgentOS.Memory;

/// <summary>
/// Fixed-size blocks carved from large slabs of native memory. A block is a number; its bytes are a span into its
/// slab, so the memory store keeps no object per item, and its bytes are outside the GC heap altogether.
/// Freed blocks go back to a free stack and are handed out again before a new slab is allocated; slabs are never
/// returned while the pool lives (the global limit bounds how many exist). Not thread-safe: the store serializes access.
/// </summary>
/// <remarks>
/// <b>Why native.</b> Slabs were pinned arrays of 4 MB on the GC's pinned heap. Each one spends the budget of the
/// GC's large-object generations, so a store growing by a few tens of megabytes set off full blocking collections,
/// which mark the whole managed heap: in a profile of <c>memory.add</c> more than half of the add's time was such
/// collections, started from the add that took a new slab (issue 20). Native slabs cost the GC nothing; their memory
/// is freed when the pool is collected (a safe handle's finalizer), since stores are abandoned without disposal after a crash.
/// </remarks>
internal sealed class BlockPool
{
    private readonly List<Slab> _slabs = [];
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
            _slabs.Add(new Slab(checked(BlockSize * BlocksPerSlab)));
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

    /// <summary>The block as <see cref="Memory{T}"/>, for asynchronous I/O: it holds its slab alive while in use.</summary>
    public Memory<byte> Memory(int block) =>
        _slabs[block / BlocksPerSlab].Memory.Slice(block % BlocksPerSlab * BlockSize, BlockSize);

    /// <summary>The block's bytes. A span does not keep its slab alive: use it only while the pool is reachable (always,
    /// inside the store's own methods).</summary>
    public Span<byte> Span(int block) =>
        _slabs[block / BlocksPerSlab].GetSpan().Slice(block % BlocksPerSlab * BlockSize, BlockSize);

    /// <summary>One slab of native memory, 64-byte aligned. Its memory belongs to a <see cref="SafeHandle"/>, freed once
    /// nothing references the slab: a <see cref="Memory{T}"/> of it (held by I/O in flight) keeps it alive.</summary>
    private sealed unsafe class Slab(int length) : MemoryManager<byte>
    {
        private readonly NativeSlab _memory = new(length);

        public override Span<byte> GetSpan() => new((byte*)_memory.DangerousGetHandle(), length);

        public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_memory.DangerousGetHandle() + elementIndex, pinnable: this);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _memory.Dispose();
            }
        }
    }

    private sealed unsafe class NativeSlab : SafeHandle
    {
        public NativeSlab(int length) : base(IntPtr.Zero, ownsHandle: true) =>
            SetHandle((IntPtr)NativeMemory.AlignedAlloc((nuint)length, 64));

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            NativeMemory.AlignedFree((void*)handle);
            return true;
        }
    }
}
