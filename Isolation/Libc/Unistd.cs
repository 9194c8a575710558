using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>unistd.h, through Tmds.LibC. glibc's setuid/setgid change every thread of the process (set*id
/// broadcast); <see cref="ThreadCredentials"/> changes only the calling thread's.</summary>
internal static unsafe class Unistd
{
    public static int getpid() => LibC.getpid();

    public static uint geteuid() => LibC.geteuid();

    /// <summary>access(2) with W_OK: 0 when this process may write <paramref name="path"/>.</summary>
    public static int access(string path, int mode)
    {
        fixed (byte* p = CString.Of(path)) return LibC.access(p, mode);
    }

    public const int WOk = 2;

    public static int setuid(uint uid) => LibC.setuid(uid);

    public static int setgid(uint gid) => LibC.setgid(gid);

    public static int sethostname(string name, nuint len)
    {
        fixed (byte* p = CString.Of(name)) return LibC.sethostname(p, (size_t)(ulong)len);
    }

    public static int chdir(string path)
    {
        fixed (byte* p = CString.Of(path)) return LibC.chdir(p);
    }

    public static int fchdir(int fd) => LibC.fchdir(fd);

    public static int chroot(string path)
    {
        fixed (byte* p = CString.Of(path)) return LibC.chroot(p);
    }

    public static int fchown(int fd, uint owner, uint group) => LibC.fchown(fd, owner, group);

    public static nint read(int fd, byte* buf, nuint count) => (nint)(long)LibC.read(fd, buf, (size_t)(ulong)count);

    public static nint write(int fd, byte* buf, nuint count) => (nint)(long)LibC.write(fd, buf, (size_t)(ulong)count);

    public static int close(int fd) => LibC.close(fd);

    public const int CLOSE_RANGE_CLOEXEC = 4;

    public static int close_range(uint first, uint last, int flags) => LibcImports.close_range(first, last, flags);

    public static int dup2(int oldfd, int newfd) => LibC.dup2(oldfd, newfd);

    public static int fsync(int fd) => LibC.fsync(fd);
}
