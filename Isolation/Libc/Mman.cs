namespace MiniMesos.Isolation.Libc;

/// <summary>sys/mman.h: advice about a range of this process's memory.</summary>
internal static unsafe class Mman
{
    public const int MADV_DONTNEED = 4;

    /// <summary>0, or -1 with errno set.</summary>
    public static int madvise(nuint address, nuint length, int advice) =>
        Tmds.Linux.LibC.madvise((void*)address, (Tmds.Linux.size_t)length, advice);
}
