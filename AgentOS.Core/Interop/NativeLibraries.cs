using System.Reflection;
using System.Runtime.InteropServices;

namespace AgentOS.Interop;

/// <summary>
/// The one import resolver of this assembly. <see cref="NativeLibrary.SetDllImportResolver"/> accepts a single resolver
/// per assembly, so each native family that needs a name other than the one in its <c>[LibraryImport]</c> (a different
/// file per operating system) registers a loader here instead of installing its own.
/// </summary>
internal static class NativeLibraries
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, nint> Loaded = new(StringComparer.Ordinal);
    private static bool _installed;

    /// <summary>Makes imports of <paramref name="logicalName"/> bind to <paramref name="handle"/> (an already loaded
    /// library). Later calls for the same name keep the first handle.</summary>
    public static void Register(string logicalName, nint handle)
    {
        lock (Gate)
        {
            Loaded.TryAdd(logicalName, handle);
            if (!_installed)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
                _installed = true;
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        lock (Gate)
        {
            // Zero falls back to the runtime's default probing, which is right for every other family (libc, kernel32).
            return Loaded.TryGetValue(libraryName, out var handle) ? handle : 0;
        }
    }
}
