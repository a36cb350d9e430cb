using System.Globalization;

namespace AgentOS.Tests.Helpers;

/// <summary>
/// What the Linux kernel itself says about this process's threads, read from <c>/proc</c> and parsed here, apart from
/// AgentOS.Threading, so tests check the affinity wrapper against the OS rather than against itself.
/// </summary>
public static class ProcStatus
{
    /// <summary>The raw <c>Cpus_allowed_list</c> of the process (its main thread), for example <c>0-1</c>.</summary>
    public static string ProcessCpusAllowedText() => Field("/proc/self/status", "Cpus_allowed_list");

    /// <summary>The process's allowed CPUs, ascending.</summary>
    public static IReadOnlyList<int> ProcessCpusAllowed() => ParseCpuList(ProcessCpusAllowedText());

    /// <summary>The CPUs thread <paramref name="tid"/> of this process may run on, ascending.</summary>
    public static IReadOnlyList<int> ThreadCpusAllowed(long tid) =>
        ParseCpuList(Field(string.Create(CultureInfo.InvariantCulture, $"/proc/self/task/{tid}/status"), "Cpus_allowed_list"));

    /// <summary>The name (<c>comm</c>) of thread <paramref name="tid"/> of this process, or null when no such thread exists.</summary>
    public static string? ThreadName(long tid)
    {
        try
        {
            return File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/self/task/{tid}/comm")).TrimEnd('\n');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether thread <paramref name="tid"/> named <paramref name="name"/> still exists. The name guards against a
    /// recycled tid; Linux keeps the first 15 characters of a thread's name.
    /// </summary>
    public static bool ThreadExists(long tid, string name) =>
        ThreadName(tid) is { } comm && comm == (name.Length > 15 ? name[..15] : name);

    /// <summary>Waits until thread <paramref name="tid"/> has left <c>/proc/self/task</c>; false if it is still there at the deadline.</summary>
    public static bool WaitUntilThreadGone(long tid, string name, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (ThreadExists(tid, name))
        {
            if (DateTime.UtcNow > end)
            {
                return false;
            }
            Thread.Sleep(10);
        }
        return true;
    }

    /// <summary>Parses the kernel's CPU list format: comma-separated numbers and inclusive ranges (<c>0-3,8,10-11</c>).</summary>
    public static IReadOnlyList<int> ParseCpuList(string text)
    {
        var cpus = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-');
            int first = int.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
            int last = dash < 0 ? first : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }
        cpus.Sort();
        return cpus;
    }

    private static string Field(string path, string name)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }
        throw new InvalidOperationException($"{path} has no {name} field");
    }
}
