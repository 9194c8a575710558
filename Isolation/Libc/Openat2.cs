using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// openat2(2) through syscall(2) (no glibc wrapper; Linux 5.6+): opens a path below a directory fd with the kernel
/// refusing any symlink on the way and any escape from that directory. The number is the same on x86-64 and arm64.
/// </summary>
internal static class Openat2
{
    private const int SYS_openat2 = 437;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>An fd, or -1 with errno (ENOSYS on kernels before 5.6, ELOOP for a symlink, EXDEV for an escape).</summary>
    public static unsafe int openat2(int dirfd, string path, int flags, uint mode, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)(uint)flags, Mode = mode, Resolve = resolve };
        fixed (byte* p = CString.Of(path))
        {
            return (int)LibC.syscall(SYS_openat2, dirfd, (void*)p, (void*)&how, sizeof(OpenHow));
        }
    }
}
