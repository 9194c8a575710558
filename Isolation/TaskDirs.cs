using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// A task's two directories: its sandbox (the task's own, 0700 to its user, given to it by init) and its meta dir
/// (0700 root, beside the sandboxes rather than in one): stdout, stderr, exit status and the agent's markers, which
/// the task reaches only through the fds init hands it.
/// </summary>
internal static class TaskDirs
{
    private const UnixFileMode RootOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates both (the sandbox only when <paramref name="fresh"/>); refuses a symlink or a meta dir not root's.</summary>
    public static void Create(string sandbox, string meta, bool fresh)
    {
        CreateRootOnly(meta);
        if (!fresh) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(sandbox))!);
        if (Fcntl.mkdirat(Fcntl.AT_FDCWD, sandbox, 0b111_000_000) != 0 && LibcError.LastErrno != Errno.EEXIST)
            throw new TaskLaunchException($"cannot create the sandbox {sandbox}: {LibcError.Describe(LibcError.LastErrno)}");
        if (TaskFiles.Stat(sandbox) is not { IsDirectory: true })
            throw new TaskLaunchException($"the sandbox {sandbox} is not a directory");
    }

    /// <summary>A directory only root can enter (created if missing, its mode fixed if not).</summary>
    public static void CreateRootOnly(string dir)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dir))!);
        if (Fcntl.mkdirat(Fcntl.AT_FDCWD, dir, 0b111_000_000) != 0 && LibcError.LastErrno != Errno.EEXIST)
            throw new TaskLaunchException($"cannot create {dir}: {LibcError.Describe(LibcError.LastErrno)}");
        if (TaskFiles.Stat(dir) is not { IsDirectory: true, Uid: 0 } && Unistd.geteuid() == 0)
            throw new TaskLaunchException($"{dir} is not a directory of root's");
        File.SetUnixFileMode(dir, RootOnly);
    }
}
