using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>signal.h.</summary>
internal static partial class Signal
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static unsafe partial int sigemptyset(void* set);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static unsafe partial int sigfillset(void* set);

    /// <summary>sizeof(sigset_t) in glibc; buffers are allocated with this size.</summary>
    public const int SigsetSize = 128;
}
