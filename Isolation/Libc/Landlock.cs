using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// linux/landlock.h through syscall(2) (no glibc wrapper; the numbers are the same on x86-64 and arm64). Only the
/// scopes of ABI 6 (Linux 6.12) are used: a scoped thread and what it starts can neither connect to abstract unix
/// sockets nor signal processes created outside its own Landlock domain.
/// </summary>
internal static unsafe class Landlock
{
    private const int SYS_landlock_create_ruleset = 444;
    private const int SYS_landlock_restrict_self = 446;
    private const int LANDLOCK_CREATE_RULESET_VERSION = 1;
    public const ulong LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET = 1;
    public const ulong LANDLOCK_SCOPE_SIGNAL = 2;

    /// <summary>The first ABI with scopes.</summary>
    public const int ScopesAbi = 6;

    [StructLayout(LayoutKind.Sequential)]
    private struct RulesetAttr
    {
        public ulong HandledAccessFs;
        public ulong HandledAccessNet;
        public ulong Scoped;
    }

    /// <summary>The kernel's Landlock ABI version, or 0 when it has none (not built in, not enabled, or too old).</summary>
    public static int Abi()
    {
        var v = (int)LibC.syscall(SYS_landlock_create_ruleset, (void*)null, 0, LANDLOCK_CREATE_RULESET_VERSION);
        return v < 0 ? 0 : v;
    }

    /// <summary>Puts the calling thread (and every process it starts from now on) in a new domain with
    /// <paramref name="scopes"/>. Needs no_new_privs (or CAP_SYS_ADMIN). -1 with errno on failure.</summary>
    public static int RestrictSelf(ulong scopes)
    {
        var attr = new RulesetAttr { Scoped = scopes };
        var fd = (int)LibC.syscall(SYS_landlock_create_ruleset, (void*)&attr, sizeof(RulesetAttr), 0);
        if (fd < 0) return -1;
        var rc = (int)LibC.syscall(SYS_landlock_restrict_self, fd, 0);
        var errno = LibC.errno;
        LibC.close(fd);
        Marshal.SetLastPInvokeError(errno);
        return rc;
    }
}
