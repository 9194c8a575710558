using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// The only libc declarations of our own: what Tmds.LibC 0.5.0 (which binds everything else) lacks, or binds to an
/// entry we must not link against. Every other call goes through <c>Tmds.Linux.LibC</c> behind the small classes of
/// this folder. Tmds.LibC names its libraries <c>libc.so.6</c> (and <c>libdl.so.2</c>, <c>libpthread.so.0</c> for
/// the dl* and two pthread calls), ours is <c>libc</c>: every one of those names is a <c>DirectPInvoke</c> in the
/// csproj, so the Native-AOT binary calls libc directly (bound by the dynamic loader at start, like any C program)
/// and task init's start-up looks nothing up.
/// Lacking in Tmds.LibC 0.5.0 (checked against its x64 assembly): prctl, get/setrlimit, waitpid, posix_spawn and its
/// attribute calls, renameat, fsetxattr, adjtimex, close_range, setenv, unsetenv, malloc_trim. poll is ours because Tmds.LibC binds it
/// without SetLastError, so its errno was never captured (a failed poll read as errno 0). mknodat is ours because Tmds.LibC calls
/// glibc's pre-2.33 <c>__xmknodat</c> compat entry, which cannot be linked against. The syscalls glibc has no wrapper
/// for (openat2, pidfd_*, pivot_root, landlock_*) go through Tmds.LibC's <c>syscall</c>.
/// </summary>
internal static unsafe partial class LibcImports
{
    public const string Lib = "libc";

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setrlimit(int resource, in Resource.rlimit rlim);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getrlimit(int resource, out Resource.rlimit rlim);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(Tmds.Linux.pollfd* fds, nuint nfds, int timeout);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int renameat(int olddirfd, string oldpath, int newdirfd, string newpath);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknodat(int dirfd, string path, uint mode, ulong dev);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fsetxattr(int fd, string name, byte[] value, nuint size, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int adjtimex(byte* buf);

    /// <summary>The C library's environment, which native code (OpenSSL's, .NET's crypto shim) reads with getenv.</summary>
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unsetenv(string name);

    /// <summary>glibc: gives the free pages of every malloc arena back to the kernel; 1 if it released any.</summary>
    [LibraryImport(Lib)]
    public static partial int malloc_trim(nuint pad);

    /// <summary>glibc 2.34+, Linux 5.9+ (CLOSE_RANGE_CLOEXEC: 5.11+).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close_range(uint first, uint last, int flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn(out int pid, string path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Lib)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newfd);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [LibraryImport(Lib)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);
}
