using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>A task in a tiny busybox rootfs with a read-only bind (needs root and busybox-static).</summary>
[Trait("Category", "Slow")]
public sealed class RootfsLauncherTests(LauncherFixture fx) : IClassFixture<LauncherFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>bin/busybox plus sh, ls, cat, echo, pwd, test, id, grep links, in a temp dir that nobody can read.</summary>
    internal static string BuildBusyboxRootfs()
    {
        Assert.True(File.Exists("/bin/busybox"), "the rootfs tests need busybox-static (apt-get install busybox-static)");
        var root = Directory.CreateTempSubdirectory("minimesos-rootfs-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var applet in new[] { "sh", "ls", "cat", "echo", "pwd", "test", "id", "grep" })
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        return root;
    }

    [Fact]
    public async Task TaskSeesOnlyItsRootfsAndAReadOnlyBindAndNothingStaysMounted()
    {
        var rootfs = BuildBusyboxRootfs();
        var data = Directory.CreateTempSubdirectory("minimesos-bind-").FullName;
        try
        {
            File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111); // writable for nobody on the host: only the bind is read-only
            File.WriteAllText(Path.Combine(data, "hello"), "from the host\n");
            var script = "ls /; cat /data/hello; (echo x > /data/new) 2>/dev/null && echo writable || echo read-only; " +
                "test -e /etc/passwd && echo host-etc || echo no-host-etc; ls /proc/self/status; pwd; id -u; echo out > out.txt";
            var r = fx.Request("t-rootfs", script, user: "nobody") with
            {
                Argv = ["/bin/sh", "-c", script],
                Rootfs = rootfs,
                Binds = new Dictionary<string, string> { [data] = "/data" },
            };
            var t = await fx.Launcher.LaunchAsync(r, default);
            var exit = await t.Exited.WaitAsync(Timeout);
            var stdout = File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stdout"));
            Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stderr"))}");
            Assert.Equal("bin\ndata\nproc\nsandbox\ntmp\nfrom the host\nread-only\nno-host-etc\n/proc/self/status\n/sandbox\n65534\n", stdout);
            Assert.False(File.Exists(Path.Combine(data, "new")));
            Assert.Equal("out\n", File.ReadAllText(Path.Combine(r.SandboxDir, "out.txt")));
            Assert.DoesNotContain(rootfs, File.ReadAllText("/proc/self/mountinfo"));
            Assert.DoesNotContain(rootfs, File.ReadAllText("/proc/1/mountinfo"));
        }
        finally
        {
            Directory.Delete(rootfs, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task AMissingRootfsFailsByName()
    {
        var r = fx.Request("t-norootfs", "true") with { Rootfs = "/nonexistent-minimesos-rootfs" };
        var e = await Assert.ThrowsAsync<TaskLaunchException>(() => fx.Launcher.LaunchAsync(r, default));
        Assert.Contains("rootfs '/nonexistent-minimesos-rootfs' is not a directory", e.Message);
    }
}
