using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>grp.h.</summary>
internal static unsafe class Grp
{
    public static int setgroups(nuint size, uint* list) => LibC.setgroups((size_t)(ulong)size, (gid_t*)list);
}
