using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// pivot_root(2) through syscall(2): glibc has no wrapper. The number differs by architecture (x86-64 155,
/// arm64 41, arm 218); on any other it returns -1 and init falls back to chroot.
/// </summary>
internal static unsafe class PivotRoot
{
    public static int pivot_root(string newRoot, string putOld)
    {
        int? number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 155,
            Architecture.Arm64 => 41,
            Architecture.Arm => 218,
            _ => null,
        };
        if (number is not { } n) return -1;
        fixed (byte* a = CString.Of(newRoot))
        fixed (byte* b = CString.Of(putOld))
        {
            return (int)LibC.syscall(n, (void*)a, (void*)b);
        }
    }
}
