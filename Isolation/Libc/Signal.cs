using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>signal.h.</summary>
internal static unsafe class Signal
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static int kill(int pid, int sig) => LibC.kill(pid, sig);

    public static int sigemptyset(void* set) => LibC.sigemptyset((sigset_t*)set);

    public static int sigfillset(void* set) => LibC.sigfillset((sigset_t*)set);

    /// <summary>sizeof(sigset_t) in glibc; buffers are allocated with this size.</summary>
    public const int SigsetSize = 128;
}
