using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// Init's last step as root before the command: empty the capability bounding set (a root task keeps the
/// capabilities it is allowed), clear the ambient set, switch to the task's user and forbid any later privilege gain
/// (PR_SET_NO_NEW_PRIVS: setuid programs and file capabilities then grant nothing), and scope it to a Landlock domain
/// of its own, all inherited by the command. All of it applies to the calling thread, the one that spawns the command
/// next: the user too (<see cref="ThreadCredentials"/>), since glibc's setuid would wait for each of init's runtime
/// threads (finalizer, signal handler) to be scheduled, three times, on the launch's path. Those threads stay root and
/// run no task code; the task can neither signal nor trace them (another user's threads), and init's main thread, the
/// one /proc/1 shows, is the task user and not dumpable as before (changing its user made the whole process so).
/// </summary>
internal static class Privileges
{
    public static unsafe void Drop(PasswdEntry user, IReadOnlyList<int> rootKeeps)
    {
        for (var cap = 0; cap < 64; cap++)
        {
            if (user.Uid == 0 && rootKeeps.Contains(cap)) continue;
            if (Prctl.prctl(Prctl.PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) != 0)
            {
                if (LibcError.LastErrno == Errno.EINVAL) break; // past the kernel's last capability
                throw new LibcException("prctl PR_CAPBSET_DROP", LibcError.LastErrno);
            }
        }

        Prctl.prctl(Prctl.PR_CAP_AMBIENT, Prctl.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); // EINVAL before 4.3: nothing to clear
        if (user.Uid != 0 && ThreadCredentials.Supported)
        {
            // This thread only, as the bounding set, no_new_privs and Landlock below: the command inherits them from it.
            LibcError.Check(ThreadCredentials.SetGroups(user.Gid), "setgroups");
            LibcError.Check(ThreadCredentials.SetResGid(user.Gid), "setresgid");
            LibcError.Check(ThreadCredentials.SetResUid(user.Uid), "setresuid");
        }
        else if (user.Uid != 0)
        {
            var gid = user.Gid;
            LibcError.Check(Grp.setgroups(1, &gid), "setgroups");
            LibcError.Check(Unistd.setgid(user.Gid), "setgid");
            LibcError.Check(Unistd.setuid(user.Uid), "setuid");
        }

        LibcError.Check(Prctl.prctl(Prctl.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl PR_SET_NO_NEW_PRIVS");
        ScopeThisThread();
    }

    /// <summary>
    /// With the host's network a task shares the host's abstract unix socket names (the agent's, other tasks', any
    /// daemon's) and, without its own pid namespace, could name other processes: on Linux 6.12+ a Landlock domain of
    /// its own keeps it from connecting to an abstract socket or signalling a process made outside it. Only this
    /// thread, which spawns the command next, is scoped (the command inherits it); init's other threads, which
    /// forward signals to the command, are not. Older kernels: nothing, the pid namespace still hides every other
    /// process (docs/isolation.md).
    /// </summary>
    private static void ScopeThisThread()
    {
        if (Landlock.Abi() < Landlock.ScopesAbi) return;
        LibcError.Check(Landlock.RestrictSelf(Landlock.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | Landlock.LANDLOCK_SCOPE_SIGNAL),
            "landlock_restrict_self");
    }
}
