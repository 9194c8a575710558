using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// fcntl.h and the *at(2) calls. O_DIRECTORY and O_NOFOLLOW differ between x86-64 (asm-generic values) and
/// arm64 (which keeps arm's), so they are read-only fields rather than constants.
/// </summary>
internal static partial class Fcntl
{
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;

    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    public static readonly int O_DIRECTORY = Arm ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = Arm ? 0x8000 : 0x20000;

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int openat(int dirfd, string path, int flags, uint mode);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdirat(int dirfd, string path, uint mode);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlinkat(int dirfd, string path, int flags);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fchownat(int dirfd, string path, uint owner, uint group, int flags);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int renameat(int olddirfd, string oldpath, int newdirfd, string newpath);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int fchmod(int fd, uint mode);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial uint umask(uint mask);

    /// <summary>glibc 2.28+; the struct layout is the kernel's, the same on every architecture.</summary>
    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buf);
}
