using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentOS.Serialization;

namespace AgentOS.Access;

/// <summary>
/// The files of one audit log and their format. The active file is <c>audit.jsonl</c>; sealed segments are
/// <c>audit.jsonl.000007</c> (oldest number first) and their archives <c>audit.jsonl.000007.gz</c>, or
/// <c>audit.jsonl.000007.d.gz</c> when they hold a denial or an approval; <c>*.tmp</c> files are unfinished.
/// </summary>
/// <remarks>
/// <para><b>Format.</b> Version 1 files start with a header line, <c>{"agentos_audit":1,"segment":7,"created":"..."}</c>,
/// then one JSON record per line. Version 0 is the unversioned format of AgentOS before rotation: records only.
/// Both are read; a version 0 active file is sealed as a segment when a log opens it, so new records always go to a
/// versioned file. A version above <see cref="Version"/> is refused with <see cref="AuditLogException"/>.</para>
/// <para><b>Exactly once.</b> A record lives in one active file or sealed segment, and moves only by whole-file
/// renames (active → segment) or by an archive made durable before its segment is deleted. Readers take the
/// archive of a number over its segment, and skip <c>.tmp</c> files, so a crash at any step neither loses nor
/// repeats a record.</para>
/// </remarks>
internal static partial class AuditFiles
{
    /// <summary>The format version this AgentOS writes and reads (and every lower one).</summary>
    public const int Version = 2;

    private const string HeaderPrefix = "{\"agentos_audit\":";

    /// <summary>One file of a log: its segment number, whether it is an archive, whether it holds durable records.</summary>
    public readonly record struct Segment(string Path, long Number, bool Archived, bool Durable);

    /// <summary>A parsed header line.</summary>
    public readonly record struct Header(int Version, long Number, DateTimeOffset Created);

    public static string SealedName(string activePath, long number) => activePath + "." + number.ToString("D6", CultureInfo.InvariantCulture);

    public static string ArchiveName(string activePath, long number, bool durable) => SealedName(activePath, number) + (durable ? ".d.gz" : ".gz");

    /// <summary>The sealed segments and archives of the log whose active file is <paramref name="activePath"/>, by
    /// number; where a number has both (a crash between archiving and deleting), only the archive.</summary>
    public static List<Segment> List(string activePath)
    {
        string directory = System.IO.Path.GetDirectoryName(activePath)!;
        string name = System.IO.Path.GetFileName(activePath);
        var byNumber = new SortedDictionary<long, Segment>();
        if (!Directory.Exists(directory))
        {
            return [];
        }
        foreach (var file in Directory.EnumerateFiles(directory, name + ".*"))
        {
            var match = SegmentPattern().Match(System.IO.Path.GetFileName(file));
            if (!match.Success || match.Groups["name"].Value != name)
            {
                continue;
            }
            long number = long.Parse(match.Groups["number"].ValueSpan, CultureInfo.InvariantCulture);
            var segment = new Segment(file, number, match.Groups["gz"].Success, match.Groups["d"].Success);
            if (!byNumber.TryGetValue(number, out var existing) || (segment.Archived && !existing.Archived))
            {
                byNumber[number] = segment;
            }
        }
        return [.. byNumber.Values];
    }

    /// <summary>Sealed segments whose archive also exists: left by a crash after archiving, safe to delete.</summary>
    public static IEnumerable<string> Superseded(string activePath) =>
        List(activePath).Where(s => s.Archived).Select(s => SealedName(activePath, s.Number)).Where(File.Exists);

    /// <summary>Unfinished files (an archive or a new active file being written when the process stopped).</summary>
    public static IEnumerable<string> Unfinished(string activePath)
    {
        string directory = System.IO.Path.GetDirectoryName(activePath)!;
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, System.IO.Path.GetFileName(activePath) + "*.tmp")
            : [];
    }

    /// <summary>The header line for a new file.</summary>
    public static byte[] HeaderLine(long number, DateTimeOffset created) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{HeaderPrefix}{Version},\"segment\":{number},\"created\":\"{created.UtcDateTime:O}\"}}\n"));

    /// <summary>Parses a file's first line as a header; <see langword="null"/> for a version 0 file (no header).</summary>
    /// <exception cref="AuditLogException">A header of a newer version, or a damaged one.</exception>
    public static Header? ParseHeader(ReadOnlySpan<char> line, string path)
    {
        if (!line.StartsWith(HeaderPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        int version;
        long number;
        DateTimeOffset created;
        try
        {
            using var document = JsonDocument.Parse(line.ToString());
            var root = document.RootElement;
            version = root.GetProperty("agentos_audit").GetInt32();
            number = root.GetProperty("segment").GetInt64();
            created = root.GetProperty("created").GetDateTimeOffset();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new AuditLogException($"Audit file {path} has a damaged header line ({ex.Message}): restore it from a backup, or delete the first line to read the rest as records.", ex);
        }
        if (version > Version)
        {
            throw new AuditLogException($"Audit file {path} is in audit format {version}, written by a newer AgentOS; this one reads formats 0 to {Version}. Read it with that version (or a later one).");
        }
        return new Header(version, number, created);
    }

    /// <summary>Reads the header of an existing file, or <see langword="null"/> (no header, or no complete first line).</summary>
    public static Header? ReadHeader(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var first = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0 && c != '\n' && first.Length < 4096)
        {
            first.Append((char)c);
        }
        return c == '\n' ? ParseHeader(first.ToString(), path) : null;
    }

    /// <summary>Reads one file of a log (active, sealed, or a gzip archive), either format version. A last line
    /// without its newline (being written, or cut short by a crash) is not a record yet and is skipped; any other
    /// unreadable line is an error.</summary>
    /// <exception cref="AuditLogException">A line other than the last is not a valid record, or the version is newer.</exception>
    public static List<AuditRecord> ReadOne(string path, Action<AuditRecord>? each = null)
    {
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var decoded = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream)
        using (var reader = new StreamReader(decoded))
        {
            text = reader.ReadToEnd();
        }
        var records = new List<AuditRecord>();
        int number = 0;
        int start = 0;
        int newline;
        while ((newline = text.IndexOf('\n', start)) >= 0)
        {
            number++;
            var line = text.AsSpan(start, newline - start);
            start = newline + 1;
            if (line.IsWhiteSpace() || (number == 1 && ParseHeader(line, path) is not null))
            {
                continue;
            }
            AuditRecord record;
            try
            {
                record = JsonSerializer.Deserialize(line, AgentOSJsonContext.Default.AuditRecord);
            }
            catch (JsonException ex)
            {
                throw new AuditLogException($"Audit log {path} line {number} is not a valid record ({ex.Message}): the file was damaged or written by something else.", ex);
            }
            records.Add(record);
            each?.Invoke(record);
        }
        return records;
    }

    /// <summary>Every record of the log, oldest first: archives and sealed segments by number, then the active file.
    /// Safe while the log is written, rotated and archived: a file that vanishes between listing and reading (archived
    /// or retired meanwhile) makes it list again.</summary>
    public static List<AuditRecord> ReadAll(string activePath)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var records = new List<AuditRecord>();
                var segments = List(activePath);
                foreach (var segment in segments)
                {
                    records.AddRange(ReadOne(segment.Path));
                }
                if (File.Exists(activePath))
                {
                    records.AddRange(ReadOne(activePath));
                }
                // The active file may have been sealed while we read: its records are then in a new segment.
                if (attempt < 8 && List(activePath).LastOrDefault().Number != segments.LastOrDefault().Number)
                {
                    continue;
                }
                return records;
            }
            catch (FileNotFoundException) when (attempt < 8)
            {
                // Archived or rotated while we read: list again.
            }
        }
    }

    [GeneratedRegex(@"^(?<name>.+)\.(?<number>\d{6,})(?:(?<d>\.d)?(?<gz>\.gz))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentPattern();
}
