namespace MiniMesos.Isolation.Libc;

/// <summary>sys/prctl.h: no privilege gain through exec, and the capability bounding set.</summary>
internal static class Prctl
{
    public const int PR_CAPBSET_READ = 23;
    public const int PR_CAPBSET_DROP = 24;
    public const int PR_SET_NO_NEW_PRIVS = 38;
    public const int PR_GET_NO_NEW_PRIVS = 39;
    public const int PR_CAP_AMBIENT = 47;
    public const int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    public static int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5) =>
        LibcImports.prctl(option, arg2, arg3, arg4, arg5);
}
