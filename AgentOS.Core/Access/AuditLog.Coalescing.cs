using System.Runtime.InteropServices;

namespace AgentOS.Access;

/// <content>Coalescing: allowed decisions drained together that differ only in their time become one record.</content>
public sealed partial class AuditLog
{
    /// <summary>
    /// Groups a drained run of allowed decisions by everything but their time (agent, resource, operation, target,
    /// acting principal), in the order each group first appears: one record per group with its count, its first and
    /// last time and its summed tokens. Used by the writer thread only.
    /// </summary>
    /// <remarks>An agent in a loop makes the same call over and over; 64 such agents fill a 50 ms batch with thousands
    /// of decisions and only 64 distinct ones. Writing each as a JSON line cost more CPU (serializing, writing,
    /// compressing the sealed segment, reading it back to archive it) than the rest of the syscall path together.</remarks>
    private sealed class AllowedCoalescer
    {
        private readonly Dictionary<GroupKey, int> _groupOf = [];
        private Group[] _groups = new Group[64];

        public int Coalesce(ReadOnlySpan<AllowedEntry> entries, AuditRecord[] records)
        {
            _groupOf.Clear();
            int count = 0;
            foreach (ref readonly var entry in entries)
            {
                var key = new GroupKey(entry.Agent, entry.Target, entry.Resource, entry.Operation, entry.ActedBy);
                ref int index = ref CollectionsMarshal.GetValueRefOrAddDefault(_groupOf, key, out bool exists);
                // A sum of tokens that would not fit the record's int starts a new group for the same key.
                if (exists && _groups[index].Tokens + entry.Tokens <= int.MaxValue)
                {
                    ref var group = ref _groups[index];
                    group.Count++;
                    group.Tokens += entry.Tokens;
                    // Threads take their clock readings before they publish, so the ring's order is not quite time order.
                    group.FirstTicks = Math.Min(group.FirstTicks, entry.UtcTicks);
                    group.LastTicks = Math.Max(group.LastTicks, entry.UtcTicks);
                    continue;
                }
                if (count == _groups.Length)
                {
                    Array.Resize(ref _groups, count * 2);
                }
                index = count;
                _groups[count++] = new Group { First = entry, Count = 1, Tokens = entry.Tokens, FirstTicks = entry.UtcTicks, LastTicks = entry.UtcTicks };
            }
            for (int i = 0; i < count; i++)
            {
                ref var group = ref _groups[i];
                var record = group.First.ToRecord();
                records[i] = group.Count == 1 ? record : record with
                {
                    Time = new DateTimeOffset(group.FirstTicks, TimeSpan.Zero),
                    Tokens = (int)group.Tokens,
                    Count = group.Count,
                    Until = new DateTimeOffset(group.LastTicks, TimeSpan.Zero),
                };
                group = default; // drop the references to the entry's strings
            }
            return count;
        }

        private readonly record struct GroupKey(string Agent, string? Target, ResourceKind Resource, AccessOperation Operation, string? ActedBy);

        private struct Group
        {
            public AllowedEntry First;
            public int Count;
            public long Tokens;
            public long FirstTicks;
            public long LastTicks;
        }
    }
}
