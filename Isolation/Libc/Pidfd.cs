using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// sys/pidfd.h through syscall(2): glibc only wraps these since 2.36, and a pidfd makes signalling immune to
/// pid reuse (the fd refers to that very process, even after it was reaped). Numbers are the same on x86-64 and arm64.
/// </summary>
internal static class Pidfd
{
    private const int SYS_pidfd_send_signal = 424;
    private const int SYS_pidfd_open = 434;

    /// <summary>A pidfd for <paramref name="pid"/>, or -1 (kernel before 5.3, or the process is gone).</summary>
    public static int pidfd_open(int pid) => (int)LibC.syscall(SYS_pidfd_open, pid, 0);

    public static int pidfd_send_signal(int pidfd, int sig) => (int)LibC.syscall(SYS_pidfd_send_signal, pidfd, sig, 0, 0);
}
