using System.Reflection;
using System.Runtime.InteropServices;

namespace MiniMesos.Net.Storage;

/// <summary>
/// Makes SQLitePCLRaw use the "e_sqlite3" provider exactly once per process. In the Native AOT binary the library is
/// linked statically (DirectPInvoke), so no resolver is consulted; under the JIT (tests, bench) there is no
/// libe_sqlite3.so, so the resolver falls back to the distribution's libsqlite3.so.0.
/// </summary>
internal static class SqliteProvider
{
    private const string ProviderLibrary = "e_sqlite3";
    private const string SystemLibrary = "libsqlite3.so.0";
    private static readonly object Gate = new();
    private static bool _initialized;

    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref _initialized))
        {
            return;
        }
        lock (Gate)
        {
            if (_initialized)
            {
                return;
            }
            var assembly = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Someone else in the process already installed a resolver for this assembly: keep theirs.
            }
            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_e_sqlite3());
            Volatile.Write(ref _initialized, true);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != ProviderLibrary)
        {
            return IntPtr.Zero;
        }
        if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var handle))
        {
            return handle;
        }
        return NativeLibrary.TryLoad(SystemLibrary, out handle) ? handle : IntPtr.Zero;
    }
}
