using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/mount.h.</summary>
internal static unsafe class Mount
{
    public const ulong MS_RDONLY = 1;
    public const ulong MS_NOSUID = 2;
    public const ulong MS_NODEV = 4;
    public const ulong MS_NOEXEC = 8;
    public const ulong MS_REMOUNT = 32;
    public const ulong MS_BIND = 4096;
    public const ulong MS_REC = 16384;
    public const ulong MS_PRIVATE = 1 << 18;

    public const int MNT_DETACH = 2;

    public static int mount(string? source, string target, string? fstype, ulong flags, IntPtr data)
    {
        fixed (byte* s = CString.OfNullable(source))
        fixed (byte* t = CString.Of(target))
        fixed (byte* f = CString.OfNullable(fstype))
        {
            return LibC.mount(s, t, f, (ulong_t)flags, (void*)data);
        }
    }

    /// <summary>mount(2) with file-system options (e.g. tmpfs "size=...,mode=1777").</summary>
    public static int mount_with_options(string? source, string target, string? fstype, ulong flags, string options)
    {
        fixed (byte* o = CString.Of(options))
        {
            return mount(source, target, fstype, flags, (IntPtr)o);
        }
    }

    public static int umount2(string target, int flags)
    {
        fixed (byte* t = CString.Of(target)) return LibC.umount2(t, flags);
    }
}
