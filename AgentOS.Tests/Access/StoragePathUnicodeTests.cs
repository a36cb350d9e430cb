using AgentOS.Storage;
using System.Runtime.InteropServices;
using AgentOS.Access;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Access;

/// <summary>
/// Checks the validator's compatibility table against a real NFKC implementation: the system's ICU, called directly
/// (string.Normalize is a silent no-op under InvariantGlobalization, which is the reason the table exists).
/// </summary>
public sealed unsafe class StoragePathUnicodeTests
{
    private const string Refused = "./\\%:*?\"<>|";

    [Test(TimeoutSeconds = 120)]
    public void NoAcceptedCharacterNormalizesToARefusedOne()
    {
        using var icu = Icu.Require();
        var offenders = new List<string>();
        int accepted = 0;
        for (int codePoint = 0x80; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            string character = char.ConvertFromUtf32(codePoint);
            if (StoragePath.Validate("a" + character + "b") != StorageKeyError.None)
            {
                continue;
            }
            accepted++;
            string normalized = icu!.NormalizeNfkc(character);
            if (normalized.Any(c => c < 0x20 || c is >= '\u007F' and <= '\u009F' || Refused.Contains(c)))
            {
                offenders.Add($"U+{codePoint:X4} -> \"{StoragePath.Escape(normalized)}\"");
            }
        }
        Assert.True(accepted > 100_000, $"only {accepted} code points accepted");
        Assert.Equal(0, offenders.Count, $"accepted characters whose NFKC form is refused (ICU {icu!.Version}): {string.Join(", ", offenders.Take(20))}");
    }

    [Test]
    public void EveryCharacterInTheTableReallyNormalizesToARefusedOne()
    {
        using var icu = Icu.Require();
        for (int codePoint = 0x80; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            string character = char.ConvertFromUtf32(codePoint);
            if (StoragePath.Validate("a" + character + "b") == StorageKeyError.CompatibilityCharacter)
            {
                string normalized = icu!.NormalizeNfkc(character);
                Assert.True(normalized.Any(c => Refused.Contains(c)), $"U+{codePoint:X4} is in the table but normalizes to \"{normalized}\"");
            }
        }
    }

    /// <summary>
    /// A system without ICU is a machine missing a requirement, not a case where the check does not apply: the table
    /// is only trusted because this comparison runs, so CI (AGENTOS_REQUIRE_INTEGRATION=1) fails without it.
    /// </summary>
    [Test]
    public void MissingIcuIsAnUnmetRequirement()
    {
        var skip = Assert.Throws<SkipException>(() => Icu.Require(["libagentos-no-such-icu.so"]).Dispose());
        Assert.Equal(SkipKind.Requirement, skip.Kind);
        Assert.Contains("libicuuc", skip.Message);
    }

    /// <summary>ICU's C API, found by probing the usual library names and version suffixes.</summary>
    private sealed class Icu : IDisposable
    {
        private readonly nint _library;
        private readonly nint _nfkc;
        private readonly delegate* unmanaged<nint, char*, int, char*, int, int*, int> _normalize;

        private Icu(nint library, nint nfkc, delegate* unmanaged<nint, char*, int, char*, int, int*, int> normalize, string version)
        {
            _library = library;
            _nfkc = nfkc;
            _normalize = normalize;
            Version = version;
        }

        public string Version { get; }

        /// <summary>Loads the system's ICU, or skips as an unmet requirement (a failure under AGENTOS_REQUIRE_INTEGRATION=1).</summary>
        public static Icu Require(IEnumerable<string>? libraryNames = null)
        {
            var icu = TryLoad(libraryNames ?? DefaultNames());
            Skip.UnlessAvailable(icu is not null, "needs the ICU library (libicuuc; on Debian/Ubuntu: apt-get install libicu-dev) to compare the table with");
            return icu!;
        }

        private static List<string> DefaultNames()
        {
            var names = new List<string> { "libicuuc.so", "libicuuc.dylib", "icuuc.dll", "icu.dll" };
            for (int v = 90; v >= 50; v--)
            {
                names.Add($"libicuuc.so.{v}");
            }
            return names;
        }

        private static Icu? TryLoad(IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                if (!NativeLibrary.TryLoad(name, out var library))
                {
                    continue;
                }
                for (int v = 90; v >= 49; v--)
                {
                    string suffix = v == 49 ? "" : "_" + v;
                    if (NativeLibrary.TryGetExport(library, "unorm2_getNFKCInstance" + suffix, out var getInstance) &&
                        NativeLibrary.TryGetExport(library, "unorm2_normalize" + suffix, out var normalize))
                    {
                        int status = 0;
                        nint nfkc = ((delegate* unmanaged<int*, nint>)getInstance)(&status);
                        if (status <= 0 && nfkc != 0)
                        {
                            return new Icu(library, nfkc, (delegate* unmanaged<nint, char*, int, char*, int, int*, int>)normalize, v == 49 ? name : v.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }
                    }
                }
                NativeLibrary.Free(library);
            }
            return null;
        }

        public string NormalizeNfkc(string text)
        {
            Span<char> buffer = stackalloc char[64];
            int status = 0;
            int length;
            fixed (char* source = text)
            fixed (char* destination = buffer)
            {
                length = _normalize(_nfkc, source, text.Length, destination, buffer.Length, &status);
            }
            if (status > 0)
            {
                throw new InvalidOperationException($"unorm2_normalize failed with ICU error {status}");
            }
            return new string(buffer[..length]);
        }

        public void Dispose() => NativeLibrary.Free(_library);
    }
}
