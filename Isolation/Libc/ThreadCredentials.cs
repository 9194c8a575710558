using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// setgroups(2), setresgid(2) and setresuid(2) as raw syscalls: they change the calling thread's credentials only.
/// glibc's wrappers change every thread of the process, by signalling each other thread and waiting until each has
/// run its handler (the set*id broadcast): a wait on threads that are asleep, which on a loaded host costs a
/// scheduler wake-up per call. Init uses these on the thread that then spawns the command, which inherits that
/// thread's credentials (<see cref="Privileges"/>). The numbers differ by architecture (x86-64, arm64, 32-bit arm's
/// 32-bit-id calls); on any other architecture <see cref="Supported"/> is false.
/// </summary>
internal static unsafe class ThreadCredentials
{
    private static readonly (int SetGroups, int SetResUid, int SetResGid)? Numbers = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (116, 117, 119),
        Architecture.Arm64 => (159, 147, 149),
        Architecture.Arm => (206, 208, 210),
        _ => null,
    };

    public static bool Supported => Numbers is not null;

    /// <summary>The calling thread's supplementary groups become just <paramref name="gid"/>; -1 and errno on failure.</summary>
    public static int SetGroups(uint gid) => (int)LibC.syscall(Numbers!.Value.SetGroups, 1, (void*)&gid);

    // An id is 32 bits in the kernel: one past int.MaxValue passes sign-extended and arrives whole.
    public static int SetResGid(uint gid) => (int)LibC.syscall(Numbers!.Value.SetResGid, (int)gid, (int)gid, (int)gid);

    public static int SetResUid(uint uid) => (int)LibC.syscall(Numbers!.Value.SetResUid, (int)uid, (int)uid, (int)uid);
}
