using MiniMesos.Core.Doctor;
using Xunit;

namespace MiniMesos.Tests.Doctor;

/// <summary>`minimesos doctor`'s judgement of fake node facts: what blocks which role, and the fix it names.</summary>
public sealed class DoctorRulesTests
{
    private static readonly NodeFacts Healthy = new()
    {
        IsRoot = true,
        Cgroup2Mounted = true,
        KernelControllers = ["cpuset", "cpu", "io", "memory", "pids"],
        OwnCgroup = "/system.slice/minimesos-agent.service",
        OwnControllers = ["cpu", "memory", "pids"],
        OwnCgroupWritable = true,
        Ports = [new PortFact(5050, "API", DoctorRole.Master, null), new PortFact(5051, "cluster", DoctorRole.Master, null)],
        MulticastInterface = "192.168.1.20",
        ClockSynchronised = true,
        Dirs = [new DirFact("/var/lib/minimesos/master", DoctorRole.Master, true, true, 0b111_000_000, 10L << 30),
            new DirFact("/var/lib/minimesos/agent", DoctorRole.Agent, false, true, null, 10L << 30)],
    };

    [Fact]
    public void AHealthyNodeBlocksNothingAndEveryItemIsListed()
    {
        var checks = DoctorRules.Evaluate(Healthy, null);
        Assert.All(checks, c => Assert.Equal(DoctorStatus.Ok, c.Status));
        Assert.Equal(0, DoctorRules.ExitCode(checks));
        foreach (var name in new[] { "libssl", "root", "cgroup2", "cgroup-memory", "cgroup-delegation", "namespaces", "port-5050", "port-5051", "mdns", "clock", "data-dir", "work-dir", "disk-agent" })
            Assert.Contains(checks, c => c.Name == name);
    }

    [Fact]
    public void APiWithoutTheMemoryControllerBlocksTheAgentNotTheMasterAndNamesCmdlineTxt()
    {
        var pi = Healthy with { KernelControllers = ["cpu", "pids"], IsRaspberryPi = true, KernelCommandLine = "console=serial0,115200 root=PARTUUID=1 rootwait" };
        var agent = DoctorRules.Evaluate(pi, DoctorRole.Agent);
        var memory = Assert.Single(agent, c => c.Name == "cgroup-memory");
        Assert.Equal(DoctorStatus.Fail, memory.Status);
        Assert.Contains("cgroup_enable=memory cgroup_memory=1", memory.Fix);
        Assert.Contains("cmdline.txt", memory.Fix);
        Assert.Equal(1, DoctorRules.ExitCode(agent));
        var master = DoctorRules.Evaluate(pi, DoctorRole.Master);
        Assert.DoesNotContain(master, c => c.Name.StartsWith("cgroup", StringComparison.Ordinal));
        Assert.Equal(0, DoctorRules.ExitCode(master));
    }

    [Fact]
    public void APortInUseBlocksTheMaster()
    {
        var facts = Healthy with { Ports = [new PortFact(5050, "API", DoctorRole.Master, "in use")] };
        var check = Assert.Single(DoctorRules.Evaluate(facts, DoctorRole.Master), c => c.Name == "port-5050");
        Assert.Equal(DoctorStatus.Fail, check.Status);
        Assert.Contains("5050", check.Fix);
        Assert.Equal(0, DoctorRules.ExitCode(DoctorRules.Evaluate(facts, DoctorRole.Agent)));
    }

    [Fact]
    public void WithoutLibsslNoRoleRuns()
    {
        var checks = DoctorRules.Evaluate(Healthy with { MissingLibraries = ["libssl.so.3"] }, DoctorRole.Master);
        var libssl = Assert.Single(checks, c => c.Name == "libssl");
        Assert.Equal(DoctorStatus.Fail, libssl.Status);
        Assert.Contains("libssl3", libssl.Fix);
    }

    [Fact]
    public void NotRootOrNoNamespacesBlocksTheAgent()
    {
        Assert.Equal(DoctorStatus.Fail, Assert.Single(DoctorRules.Evaluate(Healthy with { IsRoot = false }, DoctorRole.Agent), c => c.Name == "root").Status);
        var ns = Assert.Single(DoctorRules.Evaluate(Healthy with { MissingNamespaces = ["pid"] }, DoctorRole.Agent), c => c.Name == "namespaces");
        Assert.Equal(DoctorStatus.Fail, ns.Status);
        Assert.Contains("pid", ns.Detail);
    }

    [Fact]
    public void CaveatsWarnButBlockNothing()
    {
        var facts = Healthy with
        {
            ClockSynchronised = false,
            MulticastInterface = null,
            MulticastProblem = "no interface that is up",
            OwnCgroupWritable = false,
            KernelControllers = ["cpu", "memory"],
            Dirs = [new DirFact("/srv/m", DoctorRole.Master, true, true, 0b111_101_101, 500L << 20)],
        };
        var checks = DoctorRules.Evaluate(facts, null);
        foreach (var name in new[] { "clock", "mdns", "cgroup-delegation", "cgroup-pids", "data-dir", "disk-master" })
        {
            var check = Assert.Single(checks, c => c.Name == name);
            Assert.Equal(DoctorStatus.Warn, check.Status);
            Assert.False(string.IsNullOrEmpty(check.Fix), name);
        }
        Assert.Contains("chmod 700 /srv/m", Assert.Single(checks, c => c.Name == "data-dir").Fix);
        Assert.Equal(0, DoctorRules.ExitCode(checks));
    }

    [Fact]
    public void AFullDiskOrAnUnwritableDirectoryBlocksItsRole()
    {
        var full = Healthy with { Dirs = [new DirFact("/var/lib/minimesos/agent", DoctorRole.Agent, true, true, 0b111_000_000, 10L << 20)] };
        Assert.Equal(DoctorStatus.Fail, Assert.Single(DoctorRules.Evaluate(full, DoctorRole.Agent), c => c.Name == "disk-agent").Status);
        var locked = Healthy with { Dirs = [new DirFact("/var/lib/minimesos/master", DoctorRole.Master, false, false, null, 10L << 30)] };
        var check = Assert.Single(DoctorRules.Evaluate(locked, DoctorRole.Master), c => c.Name == "data-dir");
        Assert.Equal(DoctorStatus.Fail, check.Status);
        Assert.Contains("cannot be created", check.Detail);
    }

    [Fact]
    public void NoCgroup2BlocksTheAgentWithTheBootFix()
    {
        var checks = DoctorRules.Evaluate(Healthy with { Cgroup2Mounted = false, KernelControllers = [] }, DoctorRole.Agent);
        var check = Assert.Single(checks, c => c.Name == "cgroup2");
        Assert.Equal(DoctorStatus.Fail, check.Status);
        Assert.Contains("systemd.unified_cgroup_hierarchy=1", check.Fix);
        Assert.DoesNotContain(checks, c => c.Name == "cgroup-memory");
    }
}
