using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Libc;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>Pre-started inits (<see cref="WarmInitPool"/>) through a real launcher: each test has its own, so its pool is its own.</summary>
[Trait("Category", "Slow")]
[Collection(HostMountsCollection.Name)]
public sealed class WarmInitLauncherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The first launch starts cold and then fills the pool; returns the pid of the init waiting after it.</summary>
    private static async Task<int> FillPool(LauncherFixture fx)
    {
        var r = fx.Request("w-first-" + Guid.NewGuid().ToString("N")[..6], "true");
        Assert.Equal(new TaskExit(0, null), await (await fx.Launcher.LaunchAsync(r, default)).Exited.WaitAsync(Timeout));
        var pool = fx.Launcher.WarmInits!;
        await Eventually.TrueAsync(() => pool.WaitingPids.Count > 0, "an init is waiting after a launch", context: () => $"last error: {pool.LastError}");
        Assert.True(pool.WaitingPids.Count == 1, $"one init should be waiting after a launch; last error: {pool.LastError}");
        return pool.WaitingPids[0];
    }

    [Fact]
    public async Task AWarmLaunchPutsTheTaskInItsCgroupBeforeItsCommandRuns()
    {
        using var fx = new LauncherFixture();
        var warm = await FillPool(fx);
        Assert.NotNull(fx.Launcher.CgroupGroupDir);
        Assert.DoesNotContain(fx.Group, File.ReadAllText($"/proc/{warm}/cgroup")); // waiting: in no task cgroup
        Assert.DoesNotContain("SECRET", File.ReadAllText($"/proc/{warm}/cmdline"));
        var r = fx.Request("w-cg", "cat /proc/self/cgroup; echo \"$SECRET\"") with
        {
            Environment = new Dictionary<string, string> { ["SECRET"] = "hunter2" },
        };
        var t = await fx.Launcher.LaunchAsync(r, default);
        Assert.Equal(warm, t.Pid); // this launch used the waiting init
        Assert.Equal(new TaskExit(0, null), await t.Exited.WaitAsync(Timeout));
        var output = File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stdout"));
        Assert.Matches($"(?m)^0::/(.*/)?{fx.Group}/w-cg$", output);
        Assert.EndsWith("hunter2\n", output);
    }

    [Fact]
    public async Task AChangedMountTableMakesTheLauncherDiscardTheWaitingInitAndStartCold()
    {
        using var fx = new LauncherFixture();
        var warm = await FillPool(fx);
        var dir = Directory.CreateTempSubdirectory("minimesos-test-mnt-").FullName;
        LibcError.Check(Mount.mount("tmpfs", dir, "tmpfs", 0, 0), "mount tmpfs");
        try
        {
            var r = fx.Request("w-cold", "true");
            var t = await fx.Launcher.LaunchAsync(r, default);
            Assert.NotEqual(warm, t.Pid);
            Assert.Equal(new TaskExit(0, null), await t.Exited.WaitAsync(Timeout));
            Assert.False(Directory.Exists($"/proc/{warm}"), "the stale init must be killed and reaped");
        }
        finally
        {
            Mount.umount2(dir, Mount.MNT_DETACH);
            Directory.Delete(dir);
        }
    }

    [Fact]
    public async Task AWaitingInitKilledFromOutsideMakesTheLaunchStartColdAndSucceed()
    {
        using var fx = new LauncherFixture();
        var warm = await FillPool(fx);
        Assert.Equal(0, Signal.kill(warm, Signal.SIGKILL)); // as the OOM killer of the agent's cgroup might
        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{warm}"), "the killed init is dead and reaped", TimeSpan.FromSeconds(10));
        var r = fx.Request("w-killed", "echo ran");
        var t = await fx.Launcher.LaunchAsync(r, default);
        Assert.NotEqual(warm, t.Pid);
        Assert.Equal(new TaskExit(0, null), await t.Exited.WaitAsync(Timeout));
        Assert.Equal("ran\n", File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stdout")));
    }

    [Fact]
    public async Task AWaitingInitExitsWhenItsStdinClosesWithoutRunningAnything()
    {
        using var fx = new LauncherFixture();
        await FillPool(fx);
        var init = fx.Launcher.WarmInits!.TryTake();
        Assert.NotNull(init);
        init!.StandardInput.Close();
        await init.WaitForExitAsync().WaitAsync(Timeout);
        Assert.Equal(TaskInit.CannotRun, init.ExitCode);
        Assert.Equal("", await init.StandardOutput.ReadToEndAsync());
        init.Dispose();
    }

    [Fact]
    public async Task NoWaitingInitSurvivesTheLaunchersDisposalAndLaterLaunchesStartCold()
    {
        using var fx = new LauncherFixture();
        var warm = await FillPool(fx);
        fx.Launcher.Dispose();
        Assert.False(Directory.Exists($"/proc/{warm}"), "dispose must kill and reap the waiting init");
        Assert.Empty(fx.Launcher.WarmInits!.WaitingPids);
        var t = await fx.Launcher.LaunchAsync(fx.Request("w-after", "true"), default);
        Assert.Equal(new TaskExit(0, null), await t.Exited.WaitAsync(Timeout));
        Assert.Empty(fx.Launcher.WarmInits!.WaitingPids);
    }

    [Fact]
    public async Task AnIdleWaitingInitIsReplacedBeforeItGetsTooOldToUse()
    {
        using var fx = new LauncherFixture(new LaunchOptions().LogCapBytes, warmInitMaxAge: TimeSpan.FromSeconds(2));
        var first = await FillPool(fx);
        var pool = fx.Launcher.WarmInits!;
        var rounds = 0;
        pool.Refreshed += () => Interlocked.Increment(ref rounds); // the agent drops the round's code pages after it
        await Eventually.TrueAsync(() => pool.WaitingPids is [var waiting] && waiting != first, "a fresh init replaces the one past its age",
            TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => Volatile.Read(ref rounds) > 0, "the replacement round is reported", TimeSpan.FromSeconds(5));
        var next = Assert.Single(pool.WaitingPids);
        Assert.NotEqual(first, next);
        Assert.False(Directory.Exists($"/proc/{first}"), "the replaced init must be killed and reaped");
        var t = await fx.Launcher.LaunchAsync(fx.Request("w-fresh", "true"), default);
        Assert.Equal(new TaskExit(0, null), await t.Exited.WaitAsync(Timeout));
    }

    [Fact]
    public async Task WithThePoolOffEveryLaunchStartsCold()
    {
        using var fx = new LauncherFixture(new LaunchOptions().LogCapBytes, warmInits: 0);
        Assert.Null(fx.Launcher.WarmInits);
        var t = await fx.Launcher.LaunchAsync(fx.Request("w-off", "echo $(hostname)"), default);
        Assert.Equal(new TaskExit(0, null), await t.Exited.WaitAsync(Timeout));
    }
}
