using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/socket.h, sys/ioctl.h and net/if.h: just enough to bring an interface up.</summary>
internal static unsafe class Socket
{
    public const int AF_INET = 2;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_CLOEXEC = 0x80000;

    public const int SIOCGIFFLAGS = 0x8913;
    public const int SIOCSIFFLAGS = 0x8914;
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

    public static int socket(int domain, int type, int protocol) => LibC.socket(domain, type, protocol);

    public static int ioctl(int fd, int request, void* arg) => LibC.ioctl(fd, request, arg);
}
