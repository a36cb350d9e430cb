using AgentOS.Storage;
using AgentOS.Access;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Access;

/// <summary>Storage paths: every hostile form refused with its reason, good ones accepted unchanged, and nothing that
/// starts in <c>agents/alice/</c> ever resolves outside it.</summary>
public sealed class StoragePathTests
{
    // (input, expected error). Every one must be refused.
    public static readonly (string Path, StorageKeyError Error)[] Hostile =
    [
        ("", StorageKeyError.Empty),
        ("..", StorageKeyError.DotSegment),
        (".", StorageKeyError.DotSegment),
        ("...", StorageKeyError.DotSegment),
        ("../agents/bob/x", StorageKeyError.DotSegment),
        ("agents/alice/../bob/x", StorageKeyError.DotSegment),
        ("agents/alice/./x", StorageKeyError.DotSegment),
        ("agents/alice/..", StorageKeyError.DotSegment),
        ("/etc/passwd", StorageKeyError.Absolute),
        ("/agents/alice/x", StorageKeyError.Absolute),
        ("\\\\server\\share\\x", StorageKeyError.Absolute),
        ("C:/Windows/x", StorageKeyError.Absolute),
        ("c:x", StorageKeyError.Absolute),
        ("agents\\alice\\x", StorageKeyError.Backslash),
        ("agents/alice/..\\..\\bob\\x", StorageKeyError.Backslash),
        ("agents//alice/x", StorageKeyError.EmptySegment),
        ("agents/alice/", StorageKeyError.EmptySegment),
        ("agents/alice/x\0.txt", StorageKeyError.ControlCharacter),
        ("agents/alice/x\0/../../bob", StorageKeyError.ControlCharacter),
        ("agents/alice/\u0001", StorageKeyError.ControlCharacter),
        ("agents/alice/a\tb", StorageKeyError.ControlCharacter),
        ("agents/alice/a\nb", StorageKeyError.ControlCharacter),
        ("agents/alice/a\u007Fb", StorageKeyError.ControlCharacter),
        ("agents/alice/a\u0085b", StorageKeyError.ControlCharacter),
        ("%2e%2e/agents/bob/x", StorageKeyError.PercentEncoding),
        ("agents/alice/%2e%2e/%2e%2e/bob/x", StorageKeyError.PercentEncoding),
        ("agents/alice/..%2f..%2fbob%2fx", StorageKeyError.PercentEncoding),
        ("agents%2falice", StorageKeyError.PercentEncoding),
        ("agents/alice/%5c..%5cbob", StorageKeyError.PercentEncoding),
        ("agents/alice/%252e%252e/bob", StorageKeyError.PercentEncoding),
        ("agents/alice/%c0%ae%c0%ae/bob", StorageKeyError.PercentEncoding),
        ("agents/alice/%00", StorageKeyError.PercentEncoding),
        ("agents/alice/\uFF0E\uFF0E\uFF0Fbob", StorageKeyError.CompatibilityCharacter),
        ("\uFF0E\uFF0E/agents/bob/x", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFF0E\uFF0E/bob", StorageKeyError.CompatibilityCharacter),
        ("agents\uFF0Fbob/x", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/a\uFF3Cb", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\u2024\u2024/bob", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\u2025/bob", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\u2026", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFE52\uFE52/bob", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFE30", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFE68x", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFF05\u0032\u0065", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFE6A2e", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\u2100", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\u2488x", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\uFF1Astream", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/\U0001F100", StorageKeyError.CompatibilityCharacter),
        ("agents/alice/x\u202E", StorageKeyError.DisallowedCharacter),
        ("agents/alice/\u200B..", StorageKeyError.DisallowedCharacter),
        ("agents/alice/a\u200Db", StorageKeyError.DisallowedCharacter),
        ("agents/alice/\uFEFFx", StorageKeyError.DisallowedCharacter),
        ("agents/alice/x\u00A0", StorageKeyError.DisallowedCharacter),
        ("agents/alice/a\u3000b", StorageKeyError.DisallowedCharacter),
        ("agents/alice/a\u2028b", StorageKeyError.DisallowedCharacter),
        ("agents/alice/\uE000", StorageKeyError.DisallowedCharacter),
        ("agents/alice/\uFFFE", StorageKeyError.DisallowedCharacter),
        ("agents/alice/.\u0301", StorageKeyError.DisallowedCharacter),
        ("agents/alice/\u0338x", StorageKeyError.DisallowedCharacter),
        ("agents/alice/\uD800x", StorageKeyError.InvalidSurrogate),
        ("agents/alice/x\uDC00", StorageKeyError.InvalidSurrogate),
        ("agents/alice/x\uD83D", StorageKeyError.InvalidSurrogate),
        ("agents/alice/x.", StorageKeyError.EdgeSpaceOrDot),
        ("agents/alice/x ", StorageKeyError.EdgeSpaceOrDot),
        ("agents/alice/ x", StorageKeyError.EdgeSpaceOrDot),
        ("agents/alice/.. ", StorageKeyError.EdgeSpaceOrDot),
        ("agents/alice/. .", StorageKeyError.EdgeSpaceOrDot),
        ("agents/alice/CON", StorageKeyError.ReservedName),
        ("agents/alice/nul.txt", StorageKeyError.ReservedName),
        ("agents/alice/Aux.tar.gz", StorageKeyError.ReservedName),
        ("agents/alice/COM1", StorageKeyError.ReservedName),
        ("agents/alice/lpt9.log", StorageKeyError.ReservedName),
        ("agents/alice/COM\u00B9", StorageKeyError.ReservedName),
        ("agents/alice/conin$", StorageKeyError.ReservedName),
        ("agents/alice/PRN .txt", StorageKeyError.ReservedName),
        ("agents/alice/a:b", StorageKeyError.ReservedCharacter),
        ("agents/alice/file.txt::$DATA", StorageKeyError.ReservedCharacter),
        ("agents/alice/x*", StorageKeyError.ReservedCharacter),
        ("agents/alice/x?", StorageKeyError.ReservedCharacter),
        ("agents/alice/x|y", StorageKeyError.ReservedCharacter),
        ("agents/alice/<x>", StorageKeyError.ReservedCharacter),
        ("agents/alice/\"x\"", StorageKeyError.ReservedCharacter),
        ("agents/alice/" + new string('a', 256), StorageKeyError.SegmentTooLong),
        ("agents/alice/" + new string('\u00E9', 128), StorageKeyError.SegmentTooLong),
        (string.Join('/', Enumerable.Repeat(new string('a', 99), 11)), StorageKeyError.TooLong),
    ];

    public static readonly string[] Good =
    [
        "agents/alice/notes.txt",
        "agents/alice/a/b/c/d.json",
        "agents/alice",
        "shared/report v2 (final).md",
        "agents/alice/.hidden",
        "agents/alice/a..b",
        "agents/alice/.x.y",
        "agents/alice/x~y_z-1+2=3,4;5[6]{7}'8'!@#$^&",
        "agents/alice/caf\u00E9.txt",
        "agents/alice/cafe\u0301.txt",
        "agents/alice/\u65E5\u672C\u8A9E.txt",
        "agents/alice/\U0001F600.txt",
        "agents/alice/\uFF21\uFF22\uFF23.txt",
        "agents/alice/\u00BD-\u2474",
        "agents/alice/console.txt",
        "agents/alice/com10",
        "agents/alice/" + new string('a', 255),
        "agents/alice/" + new string('\u00E9', 127) + "a",
        string.Join('/', Enumerable.Repeat(new string('a', 101), 10)) + "/" + new string('b', 4),
    ];

    [Test]
    public void EveryHostilePathIsRefusedWithItsReason()
    {
        foreach (var (path, error) in Hostile)
        {
            Assert.Equal(error, StoragePath.Validate(path), $"\"{StoragePath.Escape(path)}\"");
            Assert.False(StoragePath.TryParse(path, out _, out var tryError), $"TryParse \"{StoragePath.Escape(path)}\"");
            Assert.Equal(error, tryError);
            var ex = Assert.Throws<StoragePathException>(() => StoragePath.Parse(path));
            Assert.Equal(error, ex.Error);
            Assert.Equal(path, ex.Path);
            Assert.Contains(StoragePath.Describe(error), ex.Message);
        }
    }

    [Test]
    public void NoHostilePathIsAllowedToAnyAgent()
    {
        using var fixture = new AccessFixture();
        foreach (var (path, _) in Hostile)
        {
            foreach (var operation in new[] { AccessOperation.Read, AccessOperation.Write })
            {
                // librarian may read and write the whole store: only the path check stands in the way.
                var decision = fixture.Manager.Check(AccessFixture.StorageAccess("librarian", operation, path));
                Assert.Equal(DenialReason.InvalidPath, decision.Reason, $"\"{StoragePath.Escape(path)}\"");
            }
        }
    }

    [Test]
    public void GoodPathsAreAcceptedUnchanged()
    {
        foreach (var path in Good)
        {
            Assert.Equal(StorageKeyError.None, StoragePath.Validate(path), $"\"{StoragePath.Escape(path)}\"");
            var parsed = StoragePath.Parse(path);
            Assert.True(ReferenceEquals(path, parsed.Value), "the very string given, not a rewritten copy");
            Assert.Equal(path, parsed.ToString());
        }
        Assert.Equal(StoragePath.MaxBytes, System.Text.Encoding.UTF8.GetByteCount(Good[^1]));
    }

    [Test]
    public void TheMessageShowsTheHostileCharactersEscapedAndWhere()
    {
        var ex = Assert.Throws<StoragePathException>(() => StoragePath.Parse("agents/alice/x\0y"));
        Assert.Contains("\"agents/alice/x\\u0000y\"", ex.Message);
        Assert.Contains("at character 14", ex.Message);
        Assert.Contains("NUL or another control character", ex.Message);
        Assert.Equal(14, ex.Position);
        Assert.Contains("starts with a space", StoragePath.Describe(StorageKeyError.EdgeSpaceOrDot));
    }

    [Test]
    public void NamespaceMembershipMatchesWholeSegmentsExactly()
    {
        var path = StoragePath.Parse("agents/alice/notes.txt");
        Assert.True(path.IsIn("agents/alice/"));
        Assert.True(path.IsIn("agents/"));
        Assert.False(path.IsIn("agents/al/"));
        Assert.False(path.IsIn("agents/al"), "a folder without its trailing '/' still matches whole segments");
        Assert.True(path.IsIn("agents/alice"));
        Assert.True(path.IsIn("agents/alice/notes.txt/"), "a path names its own folder namespace");
        Assert.False(path.IsIn("agents/alice/notes/"));
        Assert.True(StoragePath.Parse("agents/alice").IsIn("agents/alice/"));
        Assert.False(StoragePath.Parse("agents/alicex/notes.txt").IsIn("agents/alice/"));
        Assert.False(StoragePath.Parse("Agents/alice/notes.txt").IsIn("agents/alice/"));
    }

    [Test]
    public void FullPathsStayUnderTheRoot()
    {
        using var root = new TempDirectory();
        var full = StoragePath.Parse("agents/alice/a/b.txt").ToFullPath(root.Path);
        Assert.Equal(Path.Combine(root.Path, "agents", "alice", "a", "b.txt"), full);
        Assert.Throws<InvalidOperationException>(() => default(StoragePath).ToFullPath(root.Path));
    }

    [Test]
    public void RandomPathsFromTraversalPiecesNeverLeaveTheNamespace()
    {
        // Glue together the pieces traversals are made of; whatever the validator accepts must resolve inside
        // agents/alice/ on this OS.
        string[] pieces = ["..", ".", "/", "\\", "%2e", "%2f", "%25", "\uFF0E", "\uFF0F", "\u2024", "\u2025", "\uFE52",
            "\0", " ", "a", "b", "agents", "bob", "~", ":", "\u0301", "\u200B", "C:", "//", "./", "../"];
        using var root = new TempDirectory();
        string home = Path.Combine(root.Path, "agents", "alice") + Path.DirectorySeparatorChar;
        var random = new Random(20_240_601);
        int accepted = 0;
        for (int i = 0; i < TestEnvironment.Scale(50_000, 2_000_000); i++)
        {
            var builder = new System.Text.StringBuilder("agents/alice/");
            for (int n = random.Next(1, 8); n > 0; n--)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }
            string candidate = builder.ToString();
            if (!StoragePath.TryParse(candidate, out var path))
            {
                continue;
            }
            accepted++;
            Assert.True(path.IsIn("agents/alice/"), candidate);
            string full = path.ToFullPath(root.Path);
            Assert.True(full.StartsWith(home, StringComparison.Ordinal) || full + Path.DirectorySeparatorChar == home,
                $"\"{StoragePath.Escape(candidate)}\" resolved to {full}");
        }
        Assert.True(accepted > 100, $"only {accepted} candidates were accepted: the generator is not exercising the accept side");
    }
}
