using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>unistd.h. glibc's setuid/setgid change every thread of the process (set*id broadcast), which a
/// multithreaded .NET process needs; the raw syscalls would change only the calling thread.</summary>
internal static partial class Unistd
{
    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int getpid();

    [LibraryImport(LibcError.Lib)]
    public static partial uint geteuid();

    /// <summary>access(2) with W_OK: 0 when this process may write <paramref name="path"/>.</summary>
    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int access(string path, int mode);

    public const int WOk = 2;

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int setgid(uint gid);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sethostname(string name, nuint len);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chdir(string path);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chroot(string path);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, uint owner, uint group);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int fchown(int fd, uint owner, uint group);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static unsafe partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int fsync(int fd);
}
