using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/resource.h.</summary>
internal static partial class Resource
{
    public const int RLIMIT_FSIZE = 1;
    public const int RLIMIT_CORE = 4;
    public const int RLIMIT_NPROC = 6;
    public const int RLIMIT_NOFILE = 7;

    public const ulong RLIM_INFINITY = ulong.MaxValue;

#pragma warning disable CS8981 // C name kept on purpose
    [StructLayout(LayoutKind.Sequential)]
    public struct rlimit
    {
        public ulong rlim_cur;
        public ulong rlim_max;
    }
#pragma warning restore CS8981

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int setrlimit(int resource, in rlimit rlim);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int getrlimit(int resource, out rlimit rlim);
}
