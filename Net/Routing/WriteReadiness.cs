using System.Collections.Concurrent;
using System.Net.Sockets;
using Tmds.Linux;
using Errno = MiniMesos.Isolation.Libc.Errno;

namespace MiniMesos.Net.Routing;

/// <summary>
/// Waits until a socket can take more bytes, without sending any: what the splice relay needs when the connection to an
/// instance has a full send buffer (.NET's sockets only wait for room inside a send, which would put a byte through user
/// space and push it alone as a 1-byte segment). One background thread for the whole process blocks in its own epoll set,
/// where each wait registers its descriptor once (one-shot, removed when the wait ends); the continuations run on the
/// thread pool, never on that thread.
/// </summary>
internal static class WriteReadiness
{
    private const int MaxEvents = 64;
    private static readonly ConcurrentDictionary<ulong, TaskCompletionSource> Waiting = new();
    private static readonly Lock Gate = new();
    private static int _epoll = -1;
    private static long _lastId;
    private static volatile int _failedErrno;

    /// <summary>Completes when <paramref name="fd"/> (a connected socket, kept open by the caller until this ends) is
    /// writable, or has failed or hung up (the next write reports why).</summary>
    public static async Task WaitAsync(int fd, CancellationToken cancellationToken)
    {
        var id = (ulong)Interlocked.Increment(ref _lastId);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiting[id] = ready;
        try
        {
            Register(fd, id);
            if (_failedErrno != 0) throw new SocketException(_failedErrno);
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Waiting.TryRemove(id, out _);
            Unregister(fd);
        }
    }

    private static unsafe void Register(int fd, ulong id)
    {
        var ev = new epoll_event { events = LibC.EPOLLOUT | LibC.EPOLLONESHOT };
        ev.data.u64 = id;
        if (LibC.epoll_ctl(Epoll, LibC.EPOLL_CTL_ADD, fd, &ev) != 0) throw new SocketException(LibC.errno);
    }

    /// <summary>ENOENT (ignored) when the registration had failed; nothing when the epoll set could not be made.</summary>
    private static unsafe void Unregister(int fd)
    {
        if (Volatile.Read(ref _epoll) is var epoll and >= 0) _ = LibC.epoll_ctl(epoll, LibC.EPOLL_CTL_DEL, fd, null);
    }

    /// <summary>The epoll set, made and its thread started by the first wait (a failure, out of descriptors, is not kept:
    /// a later wait tries again).</summary>
    private static int Epoll
    {
        get
        {
            if (Volatile.Read(ref _epoll) is var ready and >= 0) return ready;
            lock (Gate)
            {
                if (_epoll >= 0) return _epoll;
                var epoll = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
                if (epoll < 0) throw new SocketException(LibC.errno);
                new Thread(() => Run(epoll)) { IsBackground = true, Name = "mesh write wait" }.Start();
                Volatile.Write(ref _epoll, epoll);
                return epoll;
            }
        }
    }

    /// <summary>The process's lifetime (a background thread): hands each readiness to its waiter. Should epoll_wait ever
    /// fail otherwise than by a signal, every wait, then and later, fails with its errno (those connections end) instead
    /// of waiting forever.</summary>
    private static unsafe void Run(int epoll)
    {
        var events = stackalloc epoll_event[MaxEvents];
        while (true)
        {
            var n = LibC.epoll_wait(epoll, events, MaxEvents, -1);
            if (n < 0 && LibC.errno == Errno.EINTR) continue;
            if (n < 0)
            {
                _failedErrno = LibC.errno;
                foreach (var id in Waiting.Keys)
                    if (Waiting.TryRemove(id, out var waiter)) waiter.TrySetException(new SocketException(_failedErrno));
                return;
            }
            for (var i = 0; i < n; i++)
                if (Waiting.TryRemove(events[i].data.u64, out var ready)) ready.TrySetResult();
        }
    }
}
