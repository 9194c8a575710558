using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>sys/mount.h.</summary>
internal static partial class Mount
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

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? fstype, ulong flags, IntPtr data);

    /// <summary>mount(2) with file-system options (e.g. tmpfs "size=...,mode=1777").</summary>
    [LibraryImport(LibcError.Lib, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount_with_options(string? source, string target, string? fstype, ulong flags, string options);

    [LibraryImport(LibcError.Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);
}
