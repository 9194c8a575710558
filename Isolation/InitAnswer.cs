using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using MiniMesos.Isolation.Libc;
using Tmds.Linux;

namespace MiniMesos.Isolation;

/// <summary>
/// Init's one-line answer ("started PID" or "error MESSAGE"), read on the launching thread itself with poll(2) and
/// read(2) on init's stdout pipe. Process.StandardOutput's async read goes through the runtime's socket engine: its
/// epoll thread wakes on init's write and hands the continuation to a thread-pool worker, which must be woken in its
/// turn: two scheduler wake-ups on every launch's path (each up to a time slice on a loaded host) where this has one,
/// init's write waking this thread. The calling thread blocks while init works (a few ms; at most the start timeout),
/// as it already does for the fork and exec of a cold init.
/// </summary>
internal static class InitAnswer
{
    /// <summary>A longer line is cut there: an answer is one short line.</summary>
    public const int MaxLine = 64 * 1024;

    /// <summary>How often a wait looks at the cancellation token.</summary>
    private const int SliceMs = 100;

    /// <summary>
    /// The first line init writes, without its newline; what it wrote if it closed stdout before a newline; null if it
    /// wrote nothing. Throws <see cref="OperationCanceledException"/> after <paramref name="timeout"/> or on cancellation.
    /// </summary>
    public static unsafe string? ReadLine(Process init, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var handle = ((PipeStream)init.StandardOutput.BaseStream).SafePipeHandle;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var fd = (int)handle.DangerousGetHandle();
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            var buf = new byte[256];
            var len = 0;
            while (len < MaxLine)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero) throw new OperationCanceledException("init did not answer within the start timeout");
                var poll = new pollfd { fd = fd, events = Poll.POLLIN };
                var ready = Poll.poll(&poll, 1, (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, SliceMs));
                // poll fails for good only on a bad descriptor or argument; anything else (EINTR from the agent's many
                // signals, ENOMEM) is tried again within the start timeout.
                if (ready < 0 && LibcError.LastErrno is var errno && errno is Errno.EBADF or Errno.EFAULT or Errno.EINVAL)
                    throw new LibcException("poll init's stdout", errno);
                if (ready <= 0) continue;
                if (len == buf.Length) Array.Resize(ref buf, Math.Min(2 * len, MaxLine));
                nint n;
                fixed (byte* p = &buf[len])
                {
                    n = Unistd.read(fd, p, (nuint)(buf.Length - len));
                }

                if (n < 0 && LibcError.LastErrno is Errno.EINTR or Errno.EAGAIN) continue;
                if (n < 0) throw new LibcException("read init's stdout", LibcError.LastErrno);
                if (n == 0) return len == 0 ? null : Encoding.UTF8.GetString(buf, 0, len);
                var newline = Array.IndexOf(buf, (byte)'\n', len, (int)n);
                len += (int)n;
                if (newline >= 0) return Encoding.UTF8.GetString(buf, 0, newline);
            }

            return Encoding.UTF8.GetString(buf, 0, len);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
