using System.Runtime.InteropServices;
using MiniMesos.Isolation.Libc;
using Tmds.Linux;

namespace MiniMesos.Isolation;

/// <summary>
/// One thread for the whole agent that waits (poll(2)) until a pipe has something to read or its writer is gone, then
/// completes that pipe's task: how an agent hears each running init's <see cref="TaskInit.EndedLine"/> without a thread
/// of its own per task (.NET reads an anonymous pipe asynchronously by blocking a thread-pool thread). A pipe is watched
/// once, until it is readable; its handle is held meanwhile (DangerousAddRef), so its fd number cannot be closed and
/// reused under the poll even if its owner disposes of it.
/// </summary>
internal static class PipeReadiness
{
    private static readonly Lock Gate = new();
    private static readonly List<Watch> Watched = [];
    private static int s_wakeRead = -1;
    private static int s_wakeWrite = -1;

    /// <summary>Completes when <paramref name="pipe"/> (its read end) has data or end of file.</summary>
    public static Task WhenReadable(SafeHandle pipe)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var added = false;
        pipe.DangerousAddRef(ref added);
        try
        {
            lock (Gate)
            {
                if (s_wakeWrite < 0) Start();
                Watched.Add(new Watch(pipe, (int)pipe.DangerousGetHandle(), ready));
            }
        }
        catch
        {
            if (added) pipe.DangerousRelease();
            throw;
        }

        Wake();
        return ready.Task;
    }

    private static unsafe void Start()
    {
        var fds = stackalloc int[2];
        if (LibC.pipe2(fds, Fcntl.O_NONBLOCK | Fcntl.O_CLOEXEC) != 0) throw new LibcException("pipe2 for the pipe watch", LibcError.LastErrno);
        (s_wakeRead, s_wakeWrite) = (fds[0], fds[1]);
        new Thread(Run) { IsBackground = true, Name = "pipe-watch" }.Start();
    }

    private static unsafe void Wake()
    {
        byte one = 1;
        _ = Unistd.write(s_wakeWrite, &one, 1); // a full wake pipe already wakes the poll
    }

    private static unsafe void Run()
    {
        var drain = new byte[64];
        while (true)
        {
            Watch[] watched;
            lock (Gate) watched = [.. Watched];
            var polls = new pollfd[watched.Length + 1];
            polls[0] = new pollfd { fd = s_wakeRead, events = Poll.POLLIN };
            for (var i = 0; i < watched.Length; i++) polls[i + 1] = new pollfd { fd = watched[i].Fd, events = Poll.POLLIN };
            int ready;
            fixed (pollfd* p = polls) ready = Poll.poll(p, (nuint)polls.Length, -1);
            if (ready <= 0) continue; // EINTR or ENOMEM: again (the fds are held, so never EBADF)
            if (polls[0].revents != 0)
            {
                fixed (byte* d = drain)
                {
                    while (Unistd.read(s_wakeRead, d, (nuint)drain.Length) > 0)
                    {
                    }
                }
            }

            for (var i = 0; i < watched.Length; i++)
            {
                if (polls[i + 1].revents == 0) continue; // POLLIN, POLLHUP, POLLERR: readable or closed, either way done
                lock (Gate) Watched.Remove(watched[i]);
                watched[i].Pipe.DangerousRelease();
                watched[i].Ready.TrySetResult();
            }
        }
    }

    private sealed record Watch(SafeHandle Pipe, int Fd, TaskCompletionSource Ready);
}
