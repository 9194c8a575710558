using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class LibcTests
{
    [Fact]
    public void GetpidMatchesTheRuntime() => Assert.Equal(Environment.ProcessId, Unistd.getpid());

    [Fact]
    public void FailedCallsNameTheCallAndErrno()
    {
        var ex = Assert.Throws<LibcException>(() => LibcError.Check(Unistd.chdir("/nonexistent/minimesos"), "chdir"));
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.Contains("chdir failed: errno 2", ex.Message);
    }

    [Fact]
    public void FailedCallsNameWhatTheyActedOnAndSucceedingOnesReturnTheirResult()
    {
        var ex = Assert.Throws<LibcException>(() =>
            LibcError.Check(Unistd.chdir("/nonexistent/minimesos"), "chdir", new RlimitSetting("core", 0, 0)));
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.StartsWith("chdir core=0:0 failed: errno 2", ex.Message);
        Assert.Equal(Unistd.getpid(), LibcError.Check(Unistd.getpid(), "getpid", "self"));
    }

    [Fact]
    public unsafe void AFailedPollReportsItsOwnErrno()
    {
        // A call that succeeds first leaves errno 0 behind; a poll without SetLastError (Tmds.LibC's) would report that.
        Assert.Equal(0, Unistd.chdir("/"));
        Assert.Equal(-1, Poll.poll((Tmds.Linux.pollfd*)8, 1, 0)); // an unmapped address
        Assert.Equal(Errno.EFAULT, LibcError.LastErrno);
        var fds = stackalloc Tmds.Linux.pollfd[1];
        Assert.Equal(-1, Poll.poll(fds, nuint.MaxValue, 0)); // more descriptors than a process may have
        Assert.Equal(Errno.EINVAL, LibcError.LastErrno);
    }

    [Theory]
    [InlineData(0x0300, true, 3, false, 0)]   // exit(3)
    [InlineData(0x0009, false, 0, true, 9)]   // killed by SIGKILL
    [InlineData(0x0089, false, 0, true, 9)]   // SIGKILL with core dump flag
    [InlineData(0x137f, false, 0, false, 0)]  // stopped by SIGSTOP: neither
    public void WaitStatusMacrosDecodeLikeGlibc(int status, bool exited, int code, bool signaled, int sig)
    {
        Assert.Equal(exited, Wait.WIFEXITED(status));
        Assert.Equal(signaled, Wait.WIFSIGNALED(status));
        if (exited) Assert.Equal(code, Wait.WEXITSTATUS(status));
        if (signaled) Assert.Equal(sig, Wait.WTERMSIG(status));
    }

    [Fact]
    public void RlimitRoundTrips()
    {
        Assert.Equal(0, Resource.getrlimit(Resource.RLIMIT_NOFILE, out var lim));
        Assert.True(lim.rlim_cur > 0);
        Assert.Equal(0, Resource.setrlimit(Resource.RLIMIT_NOFILE, lim));
    }

    [Fact]
    public unsafe void SpliceMovesBetweenPipesAndReportsErrno()
    {
        Assert.True(Splice.TryPipe(1 << 16, out var r1, out var w1));
        Assert.True(Splice.TryPipe(1 << 16, out var r2, out var w2));
        try
        {
            var hello = "hello"u8.ToArray();
            fixed (byte* p = hello) Assert.Equal(5, Unistd.write(w1, p, 5));
            Assert.Equal(5, Splice.Move(r1, w2, 100));
            var got = new byte[16];
            Assert.Equal(5, Splice.Read(r2, got));
            Assert.Equal(hello, got[..5]);
            Assert.Equal(-1, Splice.Move(r1, w2, 100)); // nothing left, non-blocking
            Assert.Equal(Errno.EAGAIN, LibcError.LastErrno);
        }
        finally
        {
            foreach (var fd in new[] { r1, w1, r2, w2 }) Splice.Close(fd);
        }
    }
}
