namespace MiniMesos.Isolation.Libc;

/// <summary>poll.h, through <see cref="LibcImports"/>: Tmds.LibC 0.5.0 binds poll without SetLastError, so the errno of a
/// failed poll would be whatever an earlier call left (seen as errno 0 in CI).</summary>
internal static class Poll
{
    public const short POLLIN = 1;

    public static unsafe int poll(Tmds.Linux.pollfd* fds, nuint nfds, int timeout) => LibcImports.poll(fds, nfds, timeout);
}
