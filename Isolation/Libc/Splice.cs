using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// fcntl.h's splice(2) and a pipe to splice through: bytes move from a socket into the pipe and from the pipe into another
/// socket by page reference, never copied through user space (the routing mesh's relay). The pipe's ends are
/// non-blocking, so no call here ever waits.
/// </summary>
internal static unsafe class Splice
{
    public const uint SPLICE_F_MOVE = 1;
    public const uint SPLICE_F_NONBLOCK = 2;
    private const int F_SETPIPE_SZ = 1031;

    /// <summary>A non-blocking, close-on-exec pipe sized to <paramref name="bytes"/> where the system allows (the default
    /// 64 KiB otherwise); false with errno when none can be made (out of descriptors).</summary>
    public static bool TryPipe(int bytes, out int readFd, out int writeFd)
    {
        var fds = stackalloc int[2];
        if (LibC.pipe2(fds, Fcntl.O_NONBLOCK | Fcntl.O_CLOEXEC) != 0)
        {
            Marshal.SetLastPInvokeError(LibC.errno);
            (readFd, writeFd) = (-1, -1);
            return false;
        }
        (readFd, writeFd) = (fds[0], fds[1]);
        _ = LibC.fcntl(fds[0], F_SETPIPE_SZ, bytes);   // above /proc/sys/fs/pipe-max-size for an unprivileged user: keeps the default
        return true;
    }

    /// <summary>Moves up to <paramref name="bytes"/> from <paramref name="fdIn"/> to <paramref name="fdOut"/> (one of them a
    /// pipe): the count moved, 0 at the end of the input, -1 with errno (EAGAIN: nothing to move or no room now).</summary>
    public static nint Move(int fdIn, int fdOut, int bytes) =>
        (nint)(long)LibC.splice(fdIn, null, fdOut, null, (size_t)(ulong)bytes, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);

    /// <summary>read(2) from a pipe's end into <paramref name="buffer"/>: the count read, or -1 with errno.</summary>
    public static nint Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = (nint)(long)LibC.read(fd, p, (size_t)(ulong)buffer.Length);
            if (n < 0) Marshal.SetLastPInvokeError(LibC.errno);
            return n;
        }
    }

    public static void Close(int fd) => LibC.close(fd);
}
