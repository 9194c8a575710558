using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>spawn.h. posix_spawn forks and execs entirely in native code, so no managed code runs in the
/// child of a multithreaded .NET process. The return value is an error number, not -1 + errno.</summary>
internal static unsafe partial class Spawn
{
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Generous upper bound of sizeof(posix_spawn_file_actions_t) and sizeof(posix_spawnattr_t) (80 and 336 in glibc).</summary>
    public const int OpaqueSize = 1024;

    [LibraryImport(LibcError.Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn(out int pid, string path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newfd);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [LibraryImport(LibcError.Lib)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);
}
