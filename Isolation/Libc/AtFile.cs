using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// The *at() calls unpacking untrusted image layers needs beyond <see cref="Fcntl"/>'s (links, device nodes, owners
/// and xattrs through descriptors), and the errno values it tells apart.
/// </summary>
internal static partial class AtFile
{
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ENOTEMPTY = 39;
    public const int ELOOP = 40;

    public const uint S_IFCHR = 0x2000;

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlinkat(string target, int newdirfd, string linkpath);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknodat(int dirfd, string path, uint mode, ulong dev);

    [LibraryImport(LibcError.Lib, SetLastError = true)]
    public static partial int fchown(int fd, uint uid, uint gid);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fsetxattr(int fd, string name, byte[] value, nuint size, int flags);
}
