namespace MiniMesos.Isolation.Libc;

/// <summary>sys/wait.h (waitpid is not in Tmds.LibC: <see cref="LibcImports"/>), with the status macros as methods.</summary>
internal static class Wait
{
    public const int WNOHANG = 1;

    public static unsafe int waitpid(int pid, int* status, int options) => LibcImports.waitpid(pid, status, options);

    public static bool WIFEXITED(int status) => (status & 0x7f) == 0;

    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;

    public static bool WIFSIGNALED(int status) => ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f;

    public static int WTERMSIG(int status) => status & 0x7f;
}
