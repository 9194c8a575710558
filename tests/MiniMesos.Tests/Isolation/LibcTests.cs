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
}
