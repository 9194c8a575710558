namespace MiniMesos.Isolation.Libc;

/// <summary>sys/timex.h (adjtimex is not in Tmds.LibC: <see cref="LibcImports"/>): the kernel's clock discipline state, read-only (modes = 0 needs no privilege).</summary>
internal static unsafe class Timex
{
    private const int TimeError = 5;        // adjtimex's answer when the clock is not synchronised
    private const int StaUnsync = 0x0040;   // status bit: clock unsynchronised
    private const int StatusOffset = 40;    // struct timex on 64-bit glibc: modes (int, padded), offset, freq, maxerror, esterror (long), status (int)
    private const int Size = 256;           // sizeof(struct timex) is 208 on x86-64 and aarch64

    /// <summary>True when the kernel considers the clock synchronised (e.g. by NTP), false when not, null when the call failed.</summary>
    public static bool? Synchronised()
    {
        var buf = stackalloc byte[Size];
        new Span<byte>(buf, Size).Clear();
        var state = LibcImports.adjtimex(buf);
        if (state == -1) return null;
        var status = *(int*)(buf + StatusOffset);
        return state != TimeError && (status & StaUnsync) == 0;
    }
}
