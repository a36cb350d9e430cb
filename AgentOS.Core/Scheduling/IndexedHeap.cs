using System.Buffers;
using System.Runtime.CompilerServices;

namespace AgentOS.Scheduling;

/// <summary>
/// A 4-ary min-heap of references over pooled arrays, ordered by a <see cref="double"/> key with ties broken by a
/// caller-supplied sequence number (arrival order), with O(log n) removal and re-keying of any entry through the
/// handle <see cref="Push"/> returns. Policies keep the handle on the item's <see cref="SchedulingTicket"/>.
/// </summary>
/// <remarks>
/// Why 4-ary: half the depth of a binary heap, and the four children of a node sit in one or two cache lines, so a
/// sift-down touches fewer lines for the same comparisons. Why handles: cancellation and preemption remove or re-key
/// arbitrary entries, which a plain <see cref="PriorityQueue{TElement,TPriority}"/> cannot do. All storage is rented
/// from <see cref="ArrayPool{T}"/> and grows by doubling, so push and pop allocate nothing once the heap has reached
/// its working size. Not thread-safe: one dispatcher thread owns it.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class IndexedHeap<T> : IDisposable where T : class
{
    private const int Arity = 4;

    private Node[] _nodes;            // the heap, by position
    private int[] _positionOf;        // handle -> position, or -1 when the handle is free
    private T?[] _items;              // handle -> element
    private int[] _freeHandles;       // stack of released handles
    private int _count;
    private int _freeCount;
    private int _handleLimit;         // handles [0, _handleLimit) have been issued at least once

    /// <summary>Creates a heap with room for <paramref name="initialCapacity"/> entries before it grows.</summary>
    public IndexedHeap(int initialCapacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        _nodes = ArrayPool<Node>.Shared.Rent(initialCapacity);
        _positionOf = ArrayPool<int>.Shared.Rent(initialCapacity);
        _items = ArrayPool<T?>.Shared.Rent(initialCapacity);
        _freeHandles = ArrayPool<int>.Shared.Rent(initialCapacity);
    }

    /// <summary>The number of entries.</summary>
    public int Count => _count;

    /// <summary>Adds <paramref name="item"/> and returns its handle, valid until it is popped or removed.</summary>
    public int Push(T item, double key, long sequence)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (double.IsNaN(key))
        {
            ThrowNaNKey();
        }
        int handle = RentHandle();
        if (_count == _nodes.Length)
        {
            Grow(ref _nodes, _count);
        }
        _items[handle] = item;
        SiftUp(_count++, new Node(key, sequence, handle));
        return handle;
    }

    /// <summary>Looks at the smallest entry without removing it.</summary>
    public bool TryPeek(out T item, out double key)
    {
        if (_count == 0)
        {
            item = null!;
            key = 0;
            return false;
        }
        ref Node root = ref _nodes[0];
        item = _items[root.Handle]!;
        key = root.Key;
        return true;
    }

    /// <summary>Removes and returns the smallest entry (earliest sequence among equal keys).</summary>
    public bool TryPop(out T item)
    {
        if (_count == 0)
        {
            item = null!;
            return false;
        }
        item = RemoveAt(0);
        return true;
    }

    /// <summary>Whether <paramref name="handle"/> names an entry currently in the heap.</summary>
    public bool Contains(int handle) => (uint)handle < (uint)_handleLimit && _positionOf[handle] >= 0;

    /// <summary>The element behind a live handle.</summary>
    public T this[int handle]
    {
        get
        {
            Position(handle);
            return _items[handle]!;
        }
    }

    /// <summary>The key of a live handle.</summary>
    public double KeyOf(int handle) => _nodes[Position(handle)].Key;

    /// <summary>Removes the entry behind <paramref name="handle"/> and returns it.</summary>
    public T Remove(int handle) => RemoveAt(Position(handle));

    /// <summary>Changes the key of a live entry (its sequence, and so its place among equal keys, is kept).</summary>
    public void Update(int handle, double key)
    {
        if (double.IsNaN(key))
        {
            ThrowNaNKey();
        }
        int position = Position(handle);
        Node node = _nodes[position];
        double old = node.Key;
        node.Key = key;
        if (key < old)
        {
            SiftUp(position, node);
        }
        else
        {
            SiftDown(position, node);
        }
    }

    /// <summary>Returns the pooled arrays. The heap must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_nodes.Length == 0)
        {
            return;
        }
        Array.Clear(_items, 0, _handleLimit);
        ArrayPool<Node>.Shared.Return(_nodes);
        ArrayPool<int>.Shared.Return(_positionOf);
        ArrayPool<T?>.Shared.Return(_items);
        ArrayPool<int>.Shared.Return(_freeHandles);
        _nodes = [];
        _positionOf = [];
        _items = [];
        _freeHandles = [];
        _count = _freeCount = _handleLimit = 0;
    }

    private int Position(int handle)
    {
        if ((uint)handle >= (uint)_handleLimit || _positionOf[handle] < 0)
        {
            ThrowStaleHandle(handle);
        }
        return _positionOf[handle];
    }

    private T RemoveAt(int position)
    {
        int handle = _nodes[position].Handle;
        T item = _items[handle]!;
        _items[handle] = null;
        _positionOf[handle] = -1;
        _freeHandles[_freeCount++] = handle;

        Node last = _nodes[--_count];
        if (position < _count)
        {
            // The last node fills the hole; it may belong above or below it.
            if (position > 0 && Less(last, _nodes[(position - 1) / Arity]))
            {
                SiftUp(position, last);
            }
            else
            {
                SiftDown(position, last);
            }
        }
        return item;
    }

    private int RentHandle()
    {
        if (_freeCount > 0)
        {
            return _freeHandles[--_freeCount];
        }
        // The pool may hand back arrays longer than asked; the handle arrays grow together, by the shortest.
        if (_handleLimit == Math.Min(_items.Length, Math.Min(_positionOf.Length, _freeHandles.Length)))
        {
            Grow(ref _items, _handleLimit);
            Grow(ref _positionOf, _handleLimit);
            Grow(ref _freeHandles, _freeCount);
        }
        return _handleLimit++;
    }

    private void SiftUp(int position, Node node)
    {
        Span<Node> nodes = _nodes;
        while (position > 0)
        {
            int parent = (position - 1) / Arity;
            if (!Less(node, nodes[parent]))
            {
                break;
            }
            Place(nodes, position, nodes[parent]);
            position = parent;
        }
        Place(nodes, position, node);
    }

    private void SiftDown(int position, Node node)
    {
        Span<Node> nodes = _nodes.AsSpan(0, _count);
        while (true)
        {
            int first = position * Arity + 1;
            if (first >= nodes.Length)
            {
                break;
            }
            int best = first;
            int end = Math.Min(first + Arity, nodes.Length);
            for (int child = first + 1; child < end; child++)
            {
                if (Less(nodes[child], nodes[best]))
                {
                    best = child;
                }
            }
            if (!Less(nodes[best], node))
            {
                break;
            }
            Place(nodes, position, nodes[best]);
            position = best;
        }
        Place(nodes, position, node);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Place(Span<Node> nodes, int position, Node node)
    {
        nodes[position] = node;
        _positionOf[node.Handle] = position;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in Node a, in Node b) => a.Key < b.Key || a.Key == b.Key && a.Sequence < b.Sequence;

    private static void Grow<TArray>(ref TArray[] array, int used)
    {
        var bigger = ArrayPool<TArray>.Shared.Rent(array.Length * 2);
        Array.Copy(array, bigger, used);
        ArrayPool<TArray>.Shared.Return(array, RuntimeHelpers.IsReferenceOrContainsReferences<TArray>());
        array = bigger;
    }

    private static void ThrowStaleHandle(int handle) =>
        throw new InvalidOperationException($"Heap handle {handle} is not in the heap (already popped or removed).");

    private static void ThrowNaNKey() => throw new ArgumentException("A heap key cannot be NaN: it has no order.", "key");

    private record struct Node(double Key, long Sequence, int Handle);
}
