using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>On a host without the pids controller a task's MaxPids is enforced through RLIMIT_NPROC (needs root).</summary>
[Trait("Category", "Slow")]
public sealed class PidsFallbackLauncherTests(LauncherFixture fx) : IClassFixture<LauncherFixture>
{
    [Fact]
    public async Task WithoutThePidsControllerForksPastTheLimitFail()
    {
        if (fx.Launcher.CgroupGroupDir is not null && File.ReadAllText(Path.Combine(Path.GetDirectoryName(fx.Launcher.CgroupGroupDir)!, "cgroup.subtree_control")).Contains("pids"))
        {
            // The pids controller limits it instead: covered by the VM tests. Assert the fallback is not reported.
            Assert.DoesNotContain(fx.Launcher.Capabilities.Missing, m => m.Contains("RLIMIT_NPROC"));
            return;
        }
        Assert.Contains(fx.Launcher.Capabilities.Missing, m => m.Contains("RLIMIT_NPROC"));
        // RLIMIT_NPROC counts every process of the user on the host, and other tasks run as nobody: use a user
        // nothing else runs as. It gets 4 + 16 processes (init's threads included): 60 background sleeps cannot all start.
        var r = fx.Request("t-nproc", "n=0; for i in $(seq 60); do sleep 5 & n=$((n+1)); done 2>/dev/null; echo started; kill $(jobs -p) 2>/dev/null; exit 0",
            new TaskLimits(0, 0, MaxPids: 4), user: "games");
        var t = await fx.Launcher.LaunchAsync(r, default);
        var exit = await t.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        var stderr = File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stderr"));
        var stdout = File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stdout"));
        Assert.True(exit.ExitCode != 0 || stderr.Contains("fork") || !stdout.Contains("started"), $"{exit}: {stdout} {stderr}");

        // The same task with no process limit starts all 60.
        var unlimited = fx.Request("t-nproc-free", "for i in $(seq 60); do sleep 5 & done; echo started; kill $(jobs -p); exit 0", user: "games");
        var free = await fx.Launcher.LaunchAsync(unlimited, default);
        Assert.Equal(new TaskExit(0, null), await free.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("started\n", File.ReadAllText(Path.Combine(unlimited.ResolvedMetaDir, "stdout")));
    }
}
