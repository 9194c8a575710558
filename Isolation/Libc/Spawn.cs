namespace MiniMesos.Isolation.Libc;

/// <summary>spawn.h (not in Tmds.LibC: <see cref="LibcImports"/>). posix_spawn forks and execs entirely in native
/// code, so no managed code runs in the child of a multithreaded .NET process. The return value is an error number,
/// not -1 + errno.</summary>
internal static unsafe class Spawn
{
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Generous upper bound of sizeof(posix_spawn_file_actions_t) and sizeof(posix_spawnattr_t) (80 and 336 in glibc).</summary>
    public const int OpaqueSize = 1024;

    public static int posix_spawn(out int pid, string path, void* fileActions, void* attr, byte** argv, byte** envp) =>
        LibcImports.posix_spawn(out pid, path, fileActions, attr, argv, envp);

    public static int posix_spawn_file_actions_init(void* fileActions) => LibcImports.posix_spawn_file_actions_init(fileActions);

    public static int posix_spawn_file_actions_destroy(void* fileActions) => LibcImports.posix_spawn_file_actions_destroy(fileActions);

    public static int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newfd) =>
        LibcImports.posix_spawn_file_actions_adddup2(fileActions, fd, newfd);

    public static int posix_spawnattr_init(void* attr) => LibcImports.posix_spawnattr_init(attr);

    public static int posix_spawnattr_destroy(void* attr) => LibcImports.posix_spawnattr_destroy(attr);

    public static int posix_spawnattr_setflags(void* attr, short flags) => LibcImports.posix_spawnattr_setflags(attr, flags);

    public static int posix_spawnattr_setsigmask(void* attr, void* sigmask) => LibcImports.posix_spawnattr_setsigmask(attr, sigmask);

    public static int posix_spawnattr_setsigdefault(void* attr, void* sigdefault) =>
        LibcImports.posix_spawnattr_setsigdefault(attr, sigdefault);
}
