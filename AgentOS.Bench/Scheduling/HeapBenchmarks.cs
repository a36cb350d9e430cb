using AgentOS.Bench.Harness;
using AgentOS.Scheduling;

namespace AgentOS.Bench.Scheduling;

/// <summary>
/// The scheduler's heap against the framework's <see cref="PriorityQueue{TElement,TPriority}"/>: fill with N items in a
/// scrambled key order, then pop them all. One operation = one push plus one pop. The indexed heap also keeps handles
/// for O(log n) removal, which PriorityQueue cannot do; this measures what that costs on the common path.
/// </summary>
internal static class HeapBenchmarks
{
    private static readonly string Item = "item";

    [Benchmark("heap.indexed.1k", Baseline = "heap.priorityqueue.1k")]
    public static void Indexed1K(BenchRun run) => Indexed(run, 1_000, run.Size(200, 20));

    [Benchmark("heap.priorityqueue.1k")]
    public static void PriorityQueue1K(BenchRun run) => Framework(run, 1_000, run.Size(200, 20));

    [Benchmark("heap.indexed.100k", Baseline = "heap.priorityqueue.100k")]
    public static void Indexed100K(BenchRun run) => Indexed(run, 100_000, run.Size(2, 1));

    [Benchmark("heap.priorityqueue.100k")]
    public static void PriorityQueue100K(BenchRun run) => Framework(run, 100_000, run.Size(2, 1));

    private static void Indexed(BenchRun run, int n, int rounds)
    {
        using var heap = new IndexedHeap<string>(n);
        run.Start();
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < n; i++)
            {
                heap.Push(Item, Scramble(i, n), i);
            }
            while (heap.TryPop(out _))
            {
            }
        }
        run.Stop((long)n * rounds);
    }

    private static void Framework(BenchRun run, int n, int rounds)
    {
        var queue = new PriorityQueue<string, (double, long)>(n);
        run.Start();
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < n; i++)
            {
                // The same (key, arrival) order the indexed heap keeps, so both do the same work.
                queue.Enqueue(Item, (Scramble(i, n), i));
            }
            while (queue.TryDequeue(out _, out _))
            {
            }
        }
        run.Stop((long)n * rounds);
    }

    private static double Scramble(int i, int n) => (i * 7919L) % n;
}
