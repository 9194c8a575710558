using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>grp.h.</summary>
internal static partial class Grp
{
    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static unsafe partial int setgroups(nuint size, uint* list);
}
