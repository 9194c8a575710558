using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/resource.h.</summary>
internal static class Resource
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

    public static int setrlimit(int resource, in rlimit rlim) => LibcImports.setrlimit(resource, in rlim);

    public static int getrlimit(int resource, out rlimit rlim) => LibcImports.getrlimit(resource, out rlim);
}
