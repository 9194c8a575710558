using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class ResourceDetectionTests
{
    [Theory]
    [InlineData("150000 100000\n", 1.5)]
    [InlineData("20000 100000", 0.2)]
    [InlineData("max 100000\n", null)]
    [InlineData("", null)]
    [InlineData("garbage", null)]
    public void CpuMaxBecomesCpus(string text, double? cpus) => Assert.Equal(cpus, ResourceParsing.CpusFromCpuMax(text));

    [Fact]
    public void MemoryMaxAndMeminfo()
    {
        Assert.Equal(536870912, ResourceParsing.BytesFromMemoryMax("536870912\n"));
        Assert.Null(ResourceParsing.BytesFromMemoryMax("max\n"));
        Assert.Equal(16309212L * 1024, ResourceParsing.MemTotalBytes("MemTotal:       16309212 kB\nMemFree:         1234 kB\n"));
    }

    [Fact]
    public void CountsProcessorsOfX86AndArmCpuinfo()
    {
        const string x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n";
        const string pi = "processor\t: 0\nBogoMIPS\t: 108.00\n\nprocessor\t: 1\n\nprocessor\t: 2\n\nprocessor\t: 3\n\nHardware\t: BCM2835\nModel\t: Raspberry Pi 4 Model B Rev 1.4\n";
        Assert.Equal(2, ResourceParsing.ProcessorsFromCpuInfo(x86));
        Assert.Equal(4, ResourceParsing.ProcessorsFromCpuInfo(pi));
    }

    [Fact]
    public void CgroupLimitsCapTheHost()
    {
        Assert.Equal(1.5, ResourceParsing.Cpus(4, ResourceParsing.Tightest<double>([null, 2.0, 1.5])));
        Assert.Equal(4, ResourceParsing.Cpus(4, ResourceParsing.Tightest<double>([null, null])));
        Assert.Equal(0.33, ResourceParsing.Cpus(4, 0.3333));
        Assert.Equal(1L << 30, ResourceParsing.Memory(8L << 30, 1L << 30));
        Assert.Equal(8L << 30, ResourceParsing.Memory(8L << 30, null));
    }

    [Fact]
    public void ZeroCpusOrMemoryIsRefusedWithAReason()
    {
        var ok = new AgentResources(2, 1 << 30, 1 << 30, 31000, 32000, new Dictionary<string, string>());
        Assert.Null(ok.RefusalReason());
        Assert.Contains("0 cpus", (ok with { Cpus = 0 }).RefusalReason());
        Assert.Contains("0 bytes of memory", (ok with { MemoryBytes = 0 }).RefusalReason());
        Assert.Contains("port range", (ok with { PortsEnd = 100 }).RefusalReason());
    }

    [Fact]
    public void DistroFromOsRelease() =>
        Assert.Equal("debian 12", ResourceParsing.DistroFromOsRelease("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nID=debian\n"));

    [Fact]
    public void DetectsThisHost()
    {
        var r = HostResources.Detect(Path.GetTempPath());
        Assert.Null(r.RefusalReason());
        Assert.InRange(r.Cpus, 0.01, Environment.ProcessorCount);
        Assert.True(r.DiskBytes > 0);
        Assert.Equal((31000, 32000), (r.PortsBegin, r.PortsEnd));
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), r.Attributes["kernel"]);
        Assert.Contains(r.Attributes["arch"], new[] { "x64", "arm64", "arm" });
    }
}
