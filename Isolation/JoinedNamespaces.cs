using Microsoft.Win32.SafeHandles;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// The namespaces of a running task (IPC, UTS, network, PID, mount: opened from /proc/PID/ns) for a process that must
/// run inside it, as a COMMAND health check does in Mesos. Joining needs init's executable at the same path inside the
/// task's root: a task in its own rootfs does not have it, and then <see cref="Open"/> says null (the caller gives the
/// process fresh namespaces instead).
/// </summary>
internal sealed class JoinedNamespaces : IDisposable
{
    /// <summary>Mount last: the other namespace files were opened through the agent's /proc already, and a new mount
    /// namespace changes the thread's root.</summary>
    private static readonly string[] Kinds = ["ipc", "uts", "net", "pid", "mnt"];

    private readonly int _pid;
    private readonly List<SafeFileHandle> _handles;

    private JoinedNamespaces(int pid, List<SafeFileHandle> handles)
    {
        _pid = pid;
        _handles = handles;
    }

    /// <summary>The namespaces of <paramref name="pid"/>, or null: no pid given, the process is gone, or init cannot run in its root.</summary>
    public static JoinedNamespaces? Open(int? pid, IReadOnlyList<string> initCommand)
    {
        if (pid is not { } target || target <= 0) return null;
        var init = initCommand[0].Contains('/') ? initCommand[0] : ExecutableLookup.Resolve(initCommand[0], TaskInitSetup.DefaultPath, "/");
        if (init is null || !File.Exists($"/proc/{target}/root{Path.GetFullPath(init)}")) return null;
        var handles = new List<SafeFileHandle>();
        try
        {
            foreach (var kind in Kinds) handles.Add(File.OpenHandle($"/proc/{target}/ns/{kind}", FileMode.Open, FileAccess.Read));
            return new JoinedNamespaces(target, handles);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var handle in handles) handle.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Moves the calling thread into the namespaces (its children land there). The thread must be a dedicated one: it
    /// stops sharing its filesystem attributes with the rest of the process first, as joining a mount namespace requires.
    /// </summary>
    public void Enter()
    {
        if (Sched.unshare(Sched.CLONE_FS) != 0)
            throw new TaskLaunchException($"cannot enter the namespaces of process {_pid}: unshare(CLONE_FS) {LibcError.Describe(LibcError.LastErrno)}");
        for (var i = 0; i < Kinds.Length; i++)
        {
            if (Sched.setns((int)_handles[i].DangerousGetHandle(), 0) != 0)
                throw new TaskLaunchException($"cannot enter the {Kinds[i]} namespace of process {_pid}: setns {LibcError.Describe(LibcError.LastErrno)}");
        }
    }

    public void Dispose()
    {
        foreach (var handle in _handles) handle.Dispose();
    }
}
