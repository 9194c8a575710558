using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/socket.h, sys/ioctl.h and net/if.h: just enough to bring an interface up.</summary>
internal static unsafe partial class Socket
{
    public const int AF_INET = 2;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_CLOEXEC = 0x80000;

    public const ulong SIOCGIFFLAGS = 0x8913;
    public const ulong SIOCSIFFLAGS = 0x8914;
    public const short IFF_UP = 0x1;

    /// <summary>struct ifreq: a 16-byte name, then a union whose first member we use as ifr_flags.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
#pragma warning disable CS8981 // C name kept on purpose
    public struct ifreq
    {
        public fixed byte ifr_name[16];
        public short ifr_flags;
    }
#pragma warning restore CS8981

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int ioctl(int fd, ulong request, void* arg);
}
