using System.Globalization;
using System.Runtime.Versioning;
using AgentOS.Interop;

namespace AgentOS.Computer.Sandbox;

/// <summary>
/// Reads the host's process table from <c>/proc</c>: parents, real user ids and pids inside pid namespaces; and kills
/// trees. Used to end a command without ending its session's shell, and to sweep a session's user id clean.
/// </summary>
/// <remarks>
/// A snapshot of <c>/proc</c> is racy by nature: processes fork and exit while it is read. Every kill here therefore
/// loops, re-reading the table until a pass finds nothing left to kill; a fork bomb under the session's process limit
/// converges because each pass kills up to the whole limit and killed processes cannot fork again.
/// </remarks>
[SupportedOSPlatform("linux")]
internal static class ProcessTree
{
    private const int MaxPasses = 50;

    /// <summary>One process as <c>/proc</c> shows it; <paramref name="Zombie"/>: dead, waiting for its parent to reap it.</summary>
    internal readonly record struct Entry(int Pid, int ParentPid, int RealUid, bool Zombie);

    /// <summary>Every process now, with its parent and real uid (processes that vanish while read are skipped).</summary>
    public static List<Entry> Snapshot()
    {
        var entries = new List<Entry>(256);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }
            try
            {
                var status = File.ReadAllText(dir + "/status");
                entries.Add(new Entry(pid, Field(status, "PPid:"), Field(status, "Uid:"), status.Contains("\nState:\tZ", StringComparison.Ordinal)));
            }
            catch (IOException)
            {
                // exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return entries;
    }

    /// <summary>The pids under <paramref name="root"/> (not including it).</summary>
    public static HashSet<int> Descendants(List<Entry> entries, int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var entry in entries)
        {
            if (!children.TryGetValue(entry.ParentPid, out var list))
            {
                children[entry.ParentPid] = list = [];
            }
            list.Add(entry.Pid);
        }
        var found = new HashSet<int>();
        var pending = new Stack<int>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            if (children.TryGetValue(pending.Pop(), out var list))
            {
                foreach (var child in list)
                {
                    if (found.Add(child))
                    {
                        pending.Push(child);
                    }
                }
            }
        }
        return found;
    }

    /// <summary>The chain from <paramref name="pid"/> up to the host's init (pid itself first).</summary>
    public static HashSet<int> Ancestors(List<Entry> entries, int pid)
    {
        var parents = new Dictionary<int, int>(entries.Count);
        foreach (var entry in entries)
        {
            parents[entry.Pid] = entry.ParentPid;
        }
        var chain = new HashSet<int>();
        while (pid > 0 && chain.Add(pid) && parents.TryGetValue(pid, out int parent))
        {
            pid = parent;
        }
        return chain;
    }

    /// <summary>
    /// Kills everything under <paramref name="root"/> except <paramref name="keep"/> and the processes between it and
    /// the root: stops each (so it cannot fork while its siblings die), then kills them, until a pass finds none.
    /// Children of <paramref name="keep"/> that <paramref name="spare"/> picks live on, with what they started.
    /// </summary>
    public static int KillDescendantsExcept(int root, int keep, Func<int, bool>? spare = null)
    {
        int killed = 0;
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            var entries = Snapshot();
            var victims = Descendants(entries, root);
            victims.ExceptWith(Ancestors(entries, keep));
            if (spare is not null)
            {
                // A spared child of keep (the session's network relay) lives on with everything it started.
                foreach (var entry in entries)
                {
                    if (entry.ParentPid == keep && spare(entry.Pid))
                    {
                        victims.Remove(entry.Pid);
                        victims.ExceptWith(Descendants(entries, entry.Pid));
                    }
                }
            }
            if (victims.Count == 0)
            {
                break;
            }
            killed += Signal(victims);
        }
        return killed;
    }

    /// <summary>Kills every process whose real uid is <paramref name="uid"/> (never uid 0), until none is left alive.</summary>
    /// <remarks>Zombies are skipped: they are already dead, and a signal to one succeeds, so counting them would spin
    /// every pass until their parent (often this process, for the sandbox's outer bwrap) reaps them.</remarks>
    public static int KillUser(int uid)
    {
        if (uid == 0)
        {
            throw new ArgumentException("Refusing to kill every process of uid 0.", nameof(uid));
        }
        int killed = 0;
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            var victims = new HashSet<int>();
            foreach (var entry in Snapshot())
            {
                if (entry.RealUid == uid && !entry.Zombie)
                {
                    victims.Add(entry.Pid);
                }
            }
            if (victims.Count == 0)
            {
                break;
            }
            killed += Signal(victims);
        }
        return killed;
    }

    /// <summary>The host pid whose innermost pid namespace number is <paramref name="sandboxPid"/>, among
    /// <paramref name="root"/> and its descendants; -1 when none.</summary>
    public static int FindByNamespacePid(int root, int sandboxPid)
    {
        var entries = Snapshot();
        var candidates = Descendants(entries, root);
        candidates.Add(root);
        foreach (int pid in candidates)
        {
            try
            {
                var status = File.ReadAllText($"/proc/{pid}/status");
                int at = status.IndexOf("NSpid:", StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }
                int end = status.IndexOf('\n', at);
                var fields = status[(at + 6)..(end < 0 ? status.Length : end)].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 0 && int.Parse(fields[^1], CultureInfo.InvariantCulture) == sandboxPid)
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
        }
        return -1;
    }

    private static int Signal(HashSet<int> victims)
    {
        foreach (int pid in victims)
        {
            Libc.Kill(pid, Libc.SignalStop);
        }
        int killed = 0;
        foreach (int pid in victims)
        {
            if (Libc.Kill(pid, Libc.SignalKill) == 0)
            {
                killed++;
            }
        }
        return killed;
    }

    // The first number after a "Name:" line's label (for Uid: the real uid, the first of four).
    private static int Field(string status, string label)
    {
        int at = status.IndexOf(label, StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }
        int i = at + label.Length;
        while (i < status.Length && (status[i] == ' ' || status[i] == '\t'))
        {
            i++;
        }
        int start = i;
        while (i < status.Length && char.IsAsciiDigit(status[i]))
        {
            i++;
        }
        return int.TryParse(status.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : -1;
    }
}
