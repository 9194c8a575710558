using System.Diagnostics;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// One long-lived thread that starts every init in new (or joined) namespaces: unshare() and setns() change only the
/// calling thread's namespaces for its future children, so a thread of its own unshares (or joins), forks init
/// (Process.Start forks from the calling thread), then goes back to the process's own namespaces, root and working
/// directory (setns with descriptors it opened at its start), ready for the next. A thread per launch, as before, cost
/// every cold launch the new thread's first scheduling, the runtime's start handshake with it and the join: three
/// scheduler wake-ups on the launch's path, each up to a time slice on a loaded host, where this costs two (the
/// request wakes this thread; the answer wakes the caller). If going back fails the thread ends after that request
/// (what it started stands; a fresh thread serves the next): it never forks in stale namespaces. Requests are served one at a time.
/// While it is in a task's namespaces the thread does nothing but fork: after CLONE_NEWPID it could not create a
/// thread (EINVAL), and it never completes a task there (that could make the pool start a worker right there).
/// </summary>
internal sealed class NamespaceForker : IDisposable
{
    /// <summary>In this order back home: mount last (it changes the thread's root; the others were opened before).</summary>
    private static readonly (string Kind, int Flag)[] Home =
        [("pid", Sched.CLONE_NEWPID), ("net", Sched.CLONE_NEWNET), ("uts", Sched.CLONE_NEWUTS), ("ipc", Sched.CLONE_NEWIPC), ("mnt", Sched.CLONE_NEWNS)];

    private readonly object _gate = new();
    private readonly SemaphoreSlim _done = new(0);
    private Worker? _worker;

    /// <summary>Starts <paramref name="psi"/> in new namespaces (<paramref name="unshareFlags"/>) or in <paramref name="join"/>'s.</summary>
    public Process Start(ProcessStartInfo psi, int unshareFlags, JoinedNamespaces? join)
    {
        var request = new Request(psi, unshareFlags, join);
        lock (_gate)
        {
            if (_worker is null)
            {
                // Created from the caller's thread, so in the process's own namespaces.
                var worker = _worker = new Worker();
                new Thread(() => Serve(worker)) { IsBackground = true, Name = "init-forker" }.Start();
            }

            _worker.Request = request;
            _worker.Work.Release();
            _done.Wait();
        }

        return request.Error switch
        {
            null => request.Started!,
            TaskLaunchException e => throw e,
            var e => throw new TaskLaunchException($"cannot start task init: {e.Message}", e),
        };
    }

    /// <summary>Ends the thread (after the request it serves, if any). A later <see cref="Start"/> makes a new one.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_worker is null) return;
            _worker.Request = null;
            _worker.Work.Release(); // no request: the thread closes its descriptors and ends
            _worker = null;
        }
    }

    private void Serve(Worker worker)
    {
        var held = new List<int>();
        try
        {
            try
            {
                foreach (var (kind, _) in Home) held.Add(LibcError.Check(Fcntl.open($"/proc/thread-self/ns/{kind}", Fcntl.O_RDONLY | Fcntl.O_CLOEXEC, 0), "open " + kind + " namespace"));
                held.Add(LibcError.Check(Fcntl.open("/", Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0), "open /"));
                held.Add(LibcError.Check(Fcntl.open(".", Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0), "open the working directory"));
            }
            catch (LibcException e)
            {
                worker.Work.Wait();
                Retire(worker);
                if (worker.Request is not { } failed) return;
                failed.Error = new TaskLaunchException($"cannot start task init: the process's own namespaces: {e.Message}", e);
                _done.Release();
                return;
            }

            // After the first unshare(CLONE_NEWNS) this thread has its own root, working directory and umask (copies).
            while (true)
            {
                worker.Work.Wait();
                if (worker.Request is not { } request) return; // disposed
                try
                {
                    if (request.Join is not null) request.Join.Enter();
                    else if (Sched.unshare(request.UnshareFlags) != 0)
                    {
                        var errno = LibcError.LastErrno;
                        throw new TaskLaunchException($"cannot create namespaces for the task: unshare {LibcError.Describe(errno)}" +
                            (errno == Errno.EPERM ? "; run the agent as root" : ""));
                    }

                    request.Started = Process.Start(request.Psi) ?? throw new TaskLaunchException("task init did not start");
                }
                catch (Exception e)
                {
                    request.Error = e;
                }

                var back = GoHome(held);
                if (back is not null) Retire(worker); // never fork from here again: the next request gets a fresh thread
                _done.Release();
                if (back is not null) return;
            }
        }
        finally
        {
            foreach (var fd in held) Unistd.close(fd);
        }
    }

    /// <summary>Back to the process's own namespaces, root and working directory; null, or why not.</summary>
    private static string? GoHome(List<int> held)
    {
        for (var i = 0; i < Home.Length; i++)
        {
            if (Sched.setns(held[i], Home[i].Flag) != 0)
                return $"cannot return the launching thread to the agent's {Home[i].Kind} namespace: setns {LibcError.Describe(LibcError.LastErrno)}";
        }

        var (root, cwd) = (held[Home.Length], held[Home.Length + 1]);
        if (Unistd.fchdir(root) != 0 || Unistd.chroot(".") != 0 || Unistd.fchdir(cwd) != 0)
            return $"cannot return the launching thread to the agent's root and working directory: {LibcError.Describe(LibcError.LastErrno)}";
        return null;
    }

    /// <summary>Called while the caller of <see cref="Start"/> holds the gate and waits.</summary>
    private void Retire(Worker worker)
    {
        if (ReferenceEquals(_worker, worker)) _worker = null;
    }

    /// <summary>One thread's mailbox: a disposed or retired thread's is never used again.</summary>
    private sealed class Worker
    {
        public SemaphoreSlim Work { get; } = new(0);
        public Request? Request { get; set; }
    }

    private sealed class Request(ProcessStartInfo psi, int unshareFlags, JoinedNamespaces? join)
    {
        public ProcessStartInfo Psi { get; } = psi;
        public int UnshareFlags { get; } = unshareFlags;
        public JoinedNamespaces? Join { get; } = join;
        public Process? Started { get; set; }
        public Exception? Error { get; set; }
    }
}
