using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/wait.h, with the status macros as methods.</summary>
internal static partial class Wait
{
    public const int WNOHANG = 1;

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static unsafe partial int waitpid(int pid, int* status, int options);

    public static bool WIFEXITED(int status) => (status & 0x7f) == 0;

    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;

    public static bool WIFSIGNALED(int status) => ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f;

    public static int WTERMSIG(int status) => status & 0x7f;
}
