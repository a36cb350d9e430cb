using System.Globalization;
using System.Runtime.Versioning;

namespace AgentOS.Computer.Sandbox;

/// <summary>
/// Hands out host user ids, one per live session, from a range no account uses. A uid is claimed by holding an
/// exclusive lock on a file named after it (<see cref="FileShare.None"/> is an advisory <c>flock</c> on Linux), so
/// two kernels on one machine, or two in one process, never share a uid, and a crashed kernel's claims end with it.
/// </summary>
/// <remarks>
/// One uid per session is what makes the process limit (RLIMIT_NPROC counts a user's processes) a per-session limit,
/// and what keeps sessions out of each other's workspaces (each 0700, owned by its own uid). Before a uid is handed out
/// every process still running as it (left by a crashed kernel) is killed.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class UidPool(string lockDirectory, int firstUid, int count)
{
    /// <summary>Claims a free uid; dispose the claim to release it.</summary>
    /// <exception cref="SandboxUnavailableException">Every uid in the range is in use.</exception>
    public Claim Acquire()
    {
        Directory.CreateDirectory(lockDirectory);
        int start = Random.Shared.Next(count);
        for (int i = 0; i < count; i++)
        {
            int uid = firstUid + (start + i) % count;
            var path = Path.Combine(lockDirectory, uid.ToString(CultureInfo.InvariantCulture));
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException)
            {
                continue; // claimed by a live session, here or in another kernel
            }
            ProcessTree.KillUser(uid);
            return new Claim(uid, stream);
        }
        throw new SandboxUnavailableException($"All {count} sandbox user ids ({firstUid}..{firstUid + count - 1}) are in use: destroy idle sessions, or widen computer.first_uid/uid_count.");
    }

    /// <summary>A claimed uid.</summary>
    internal sealed class Claim(int uid, FileStream lockFile) : IDisposable
    {
        public int Uid { get; } = uid;

        public void Dispose() => lockFile.Dispose();
    }
}
