using MiniMesos.Core.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class RootfsPlanTests
{
    [Fact]
    public void PlanMakesTheRootfsAMountPointBindsReadOnlyOuterFirstThenSandboxAndProc()
    {
        var steps = RootfsPlan.Build("/srv/root", "/var/lib/s/t1", new Dictionary<string, string> { ["/data/x"] = "/opt/data/x", ["/data"] = "/opt" });
        Assert.Equal(
        [
            new MountStep(MountKind.BindWritable, "/srv/root", "/srv/root"),
            new MountStep(MountKind.BindReadOnly, "/data", "/srv/root/opt"),
            new MountStep(MountKind.BindReadOnly, "/data/x", "/srv/root/opt/data/x"),
            new MountStep(MountKind.BindWritable, "/var/lib/s/t1", "/srv/root/sandbox"),
            new MountStep(MountKind.Proc, "proc", "/srv/root/proc"),
        ], steps);
    }

    [Theory]
    [InlineData("root", null, null, "rootfs")]
    [InlineData("/srv/../etc", null, null, "rootfs")]
    [InlineData("/", null, null, "rootfs")]
    [InlineData(null, "/data", "/data", "binds")]
    [InlineData("/srv/root", "data", "/data", "binds.data")]
    [InlineData("/srv/root", "/data", "relative", "binds./data")]
    [InlineData("/srv/root", "/data", "/proc/x", "binds./data")]
    [InlineData("/srv/root", "/data", "/sandbox", "binds./data")]
    [InlineData("/srv/root", "/a:b", "/data", "binds./a:b")]
    public void BadRootfsOrBindsAreRefusedNamingTheField(string? rootfs, string? host, string? inside, string field)
    {
        var binds = host is null ? null : new Dictionary<string, string> { [host] = inside! };
        Assert.Equal(field, RootfsPlan.Invalid(rootfs, binds)?.Field);
    }

    [Fact]
    public void BindsIntoAnImageFollowTheSameRulesWithoutARootfs()
    {
        Assert.Null(RootfsPlan.Invalid(null, new Dictionary<string, string> { ["/data"] = "/data", ["/etc/motd"] = "/etc/motd" }, image: true));
        Assert.Equal("binds./data", RootfsPlan.Invalid(null, new Dictionary<string, string> { ["/data"] = "/proc/x" }, image: true)?.Field);
        Assert.Equal("binds./data", RootfsPlan.Invalid(null, new Dictionary<string, string> { ["/data"] = "/sandbox" }, image: true)?.Field);
        Assert.Equal("binds.data", RootfsPlan.Invalid(null, new Dictionary<string, string> { ["data"] = "/data" }, image: true)?.Field);
        Assert.Equal("binds", RootfsPlan.Invalid(null, new Dictionary<string, string> { ["/data"] = "/data" })?.Field);
    }

    [Fact]
    public void GoodOnesPassAndInitOptionsCarryThem()
    {
        var binds = new Dictionary<string, string> { ["/data"] = "/opt/data" };
        Assert.Null(RootfsPlan.Invalid("/srv/root", binds));
        Assert.Null(RootfsPlan.Invalid(null, null));
        var o = new TaskInitOptions("t", "/s", "nobody", [], ["sh"], Rootfs: "/srv/root", Binds: binds);
        var parsed = TaskInitOptions.Parse(o.ToArgs());
        Assert.Equal("/srv/root", parsed.Rootfs);
        Assert.Equal("/opt/data", parsed.Binds!["/data"]);
    }
}
