using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// The *at() calls unpacking untrusted image layers needs beyond <see cref="Fcntl"/>'s (links, device nodes, owners
/// and xattrs through descriptors), and the errno values it tells apart.
/// </summary>
internal static unsafe class AtFile
{
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ENOTEMPTY = 39;
    public const int ELOOP = 40;

    public const uint S_IFCHR = 0x2000;

    public static int symlinkat(string target, int newdirfd, string linkpath)
    {
        fixed (byte* t = CString.Of(target))
        fixed (byte* l = CString.Of(linkpath))
        {
            return LibC.symlinkat(t, newdirfd, l);
        }
    }

    public static int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags)
    {
        fixed (byte* o = CString.Of(oldpath))
        fixed (byte* n = CString.Of(newpath))
        {
            return LibC.linkat(olddirfd, o, newdirfd, n, flags);
        }
    }

    public static int mknodat(int dirfd, string path, uint mode, ulong dev) => LibcImports.mknodat(dirfd, path, mode, dev);

    public static int fchown(int fd, uint uid, uint gid) => LibC.fchown(fd, uid, gid);

    public static int fsetxattr(int fd, string name, byte[] value, nuint size, int flags) =>
        LibcImports.fsetxattr(fd, name, value, size, flags);
}
