using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class IsolationPureTests
{
    [Theory]
    [InlineData(0.2, "20000 100000", 20)]
    [InlineData(1.0, "100000 100000", 100)]
    [InlineData(2.5, "250000 100000", 250)]
    [InlineData(0.001, "1000 100000", 1)]   // kernel minimum quota is 1 ms
    [InlineData(0, "max 100000", 100)]      // no limit requested
    [InlineData(500, "50000000 100000", 10000)]
    public void CpuLimitsUseA100msPeriod(double cpus, string max, long weight)
    {
        Assert.Equal(max, CgroupLimitPlan.CpuMax(cpus));
        Assert.Equal(weight, CgroupLimitPlan.CpuWeight(cpus));
    }

    [Fact]
    public void MemoryLimitTurnsSwapOffAndPidsGetInitsAllowance()
    {
        var plan = CgroupLimitPlan.Compute(new TaskLimits(0.5, 64L << 20, 100)).ToDictionary(w => w.File, w => w.Content);
        Assert.Equal("67108864", plan["memory.max"]);
        Assert.Equal("0", plan["memory.swap.max"]);
        Assert.Equal((100 + CgroupLimitPlan.InitPidsAllowance).ToString(), plan["pids.max"]);
        Assert.Equal("50000 100000", plan["cpu.max"]);
    }

    [Fact]
    public void NoLimitsMeansMaxEverywhere()
    {
        var plan = CgroupLimitPlan.Compute(new TaskLimits(0, 0)).ToDictionary(w => w.File, w => w.Content);
        Assert.Equal("max", plan["memory.max"]);
        Assert.False(plan.ContainsKey("memory.swap.max"));
        Assert.Equal("max", plan["pids.max"]);
    }

    [Fact]
    public void FindsTheCgroup2MountInAHybridLayout()
    {
        const string mountinfo = """
            25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
            35 25 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            40 35 0:37 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
            41 35 0:38 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
            """;
        Assert.Equal("/sys/fs/cgroup/unified", CgroupPaths.FindCgroup2Mount(mountinfo));
        Assert.Null(CgroupPaths.FindCgroup2Mount("41 35 0:38 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"));
        Assert.Equal("/mnt/with space", CgroupPaths.FindCgroup2Mount(@"40 35 0:37 / /mnt/with\040space rw - cgroup2 cgroup2 rw"));
    }

    [Fact]
    public void FindsOwnCgroupFromTheUnifiedLine()
    {
        Assert.Equal("/system.slice/minimesos.service", CgroupPaths.FindOwnCgroup("4:memory:/x\n0::/system.slice/minimesos.service\n"));
        Assert.Equal("/", CgroupPaths.FindOwnCgroup("1:cpu:/\n0::/\n"));
        Assert.Null(CgroupPaths.FindOwnCgroup("4:memory:/x\n"));
    }

    [Theory]
    [InlineData("web.1-abc_2", true)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData("x y", false)]
    public void TaskIdsThatCouldEscapeTheCgroupParentAreRefused(string id, bool ok) => Assert.Equal(ok, CgroupPaths.IsSafeName(id));

    [Theory]
    [InlineData("/system.slice/minimesos-tasks.service", true)]
    [InlineData("/system.slice/minimesos-tasks@a\\x2db.service", true)]
    [InlineData("/", false)]
    [InlineData("system.slice", false)]
    [InlineData("/system.slice/../x", false)]
    [InlineData("/a//b", false)]
    [InlineData("/a/", false)]
    [InlineData("/a b", false)]
    public void CgroupParentsOutsideTheHierarchyAreRefused(string path, bool ok) => Assert.Equal(ok, CgroupPaths.IsSafeCgroupPath(path));

    [Fact]
    public void ExitStatusFileRoundTripsAndRejectsGarbage()
    {
        Assert.Equal(new TaskExit(3, null), ExitStatusFile.Parse(ExitStatusFile.Format(new TaskExit(3, null))));
        Assert.Equal(new TaskExit(null, 9), ExitStatusFile.Parse(ExitStatusFile.Format(new TaskExit(null, 9))));
        Assert.Null(ExitStatusFile.Parse(""));   // init still running
        Assert.Null(ExitStatusFile.Parse("signal 0"));
        Assert.Null(ExitStatusFile.Parse("exit 256"));
        Assert.Null(ExitStatusFile.Parse("exit -1"));
    }

    [Fact]
    public void PasswdLookupByNameOrUid()
    {
        const string passwd = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        Assert.Equal(new PasswdEntry("nobody", 65534, 65534, "/nonexistent"), PasswdEntry.Find(passwd, "nobody"));
        Assert.Equal("root", PasswdEntry.Find(passwd, "0")!.Name);
        Assert.Null(PasswdEntry.Find(passwd, "alice"));
    }

    [Fact]
    public void InitOptionsRoundTripThroughArgv()
    {
        var o = new TaskInitOptions("t1", "/var/sb", "nobody",
            [new RlimitSetting("core", 0, 0), new RlimitSetting("nofile", 1024, ulong.MaxValue)], ["sh", "-c", "echo -- --id x"]);
        var back = TaskInitOptions.Parse(o.ToArgs());
        Assert.Equal(o.TaskId, back.TaskId);
        Assert.Equal(o.Argv, back.Argv);
        Assert.Equal(o.Rlimits, back.Rlimits);
        Assert.False(back.Joined);
        Assert.True(TaskInitOptions.Parse((o with { Joined = true }).ToArgs()).Joined);
        Assert.Equal("nofile=1024:unlimited", o.Rlimits[1].ToString());
        Assert.Throws<FormatException>(() => TaskInitOptions.Parse(["--id", "x", "--", "true"]));
        Assert.Throws<FormatException>(() => RlimitSetting.Parse("stack=1:1"));
    }

    [Fact]
    public void FlatKeyedReadsCgroupAndProcFiles()
    {
        Assert.Equal(2, FlatKeyed.Get("low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n", "oom_kill"));
        Assert.Equal(0, FlatKeyed.Get("populated 0\nfrozen 0\n", "populated"));
        Assert.Equal(16309212, FlatKeyed.Get("MemTotal:       16309212 kB\nMemFree: 1 kB", "MemTotal"));
        Assert.Null(FlatKeyed.Get("oom 1", "oom_kill"));
    }

    [Fact]
    public void EnvBlockRoundTripsAndRefusesUnpassableNames()
    {
        var env = new Dictionary<string, string> { ["A"] = "1=2", ["EMPTY"] = "", ["U"] = "ünï" };
        Assert.Equal(env, EnvBlock.Decode(EnvBlock.Encode(env)));
        Assert.Throws<ArgumentException>(() => EnvBlock.Encode(new Dictionary<string, string> { ["A=B"] = "x" }));
    }
}
