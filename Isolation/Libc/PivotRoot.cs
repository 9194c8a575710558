using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// pivot_root(2) through syscall(2): glibc has no wrapper. The number differs by architecture (x86-64 155,
/// arm64 41, arm 218); on any other it returns -1 and init falls back to chroot.
/// </summary>
internal static partial class PivotRoot
{
    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall(long number, string newRoot, string putOld);

    public static int pivot_root(string newRoot, string putOld)
    {
        long? number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 155,
            Architecture.Arm64 => 41,
            Architecture.Arm => 218,
            _ => null,
        };
        return number is { } n ? (int)syscall(n, newRoot, putOld) : -1;
    }
}
