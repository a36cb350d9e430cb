using System.Globalization;
using System.Text;

namespace AgentOS.Threading;

/// <summary>CPU sets written the way the Linux kernel writes them (<c>Cpus_allowed_list</c>): <c>0-3,8,10-11</c>.</summary>
internal static class CpuList
{
    /// <summary>Formats ascending CPU numbers as ranges; an empty set is <c>(none)</c>.</summary>
    public static string Format(IReadOnlyList<int> ascendingCpus)
    {
        if (ascendingCpus.Count == 0)
        {
            return "(none)";
        }
        var text = new StringBuilder();
        for (int i = 0; i < ascendingCpus.Count;)
        {
            int first = ascendingCpus[i];
            int last = first;
            while (++i < ascendingCpus.Count && ascendingCpus[i] == last + 1)
            {
                last = ascendingCpus[i];
            }
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(CultureInfo.InvariantCulture, $"{first}");
            if (last != first)
            {
                text.Append(CultureInfo.InvariantCulture, $"-{last}");
            }
        }
        return text.ToString();
    }

    /// <summary>The CPUs whose bits are set in a mask of 64-bit words (bit <c>n % 64</c> of word <c>n / 64</c>), ascending.</summary>
    public static int[] FromMask(ReadOnlySpan<ulong> mask, int firstCpu = 0)
    {
        var cpus = new List<int>();
        for (int word = 0; word < mask.Length; word++)
        {
            for (ulong bits = mask[word]; bits != 0; bits &= bits - 1)
            {
                cpus.Add(firstCpu + word * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits));
            }
        }
        return [.. cpus];
    }
}
