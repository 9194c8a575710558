using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class WarmInitPureTests
{
    private const string Mounts = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";

    [Fact]
    public void AWaitingInitIsUsedOnlyWhileTheMountTableIsUnchangedAndItIsYoungEnough()
    {
        Assert.Equal(WarmInitVerdict.Use, WarmInitPolicy.Decide(Mounts, Mounts, 0, 60_000));
        Assert.Equal(WarmInitVerdict.Use, WarmInitPolicy.Decide(Mounts, Mounts, 60_000, 60_000));
        Assert.Equal(WarmInitVerdict.MountsChanged,
            WarmInitPolicy.Decide(Mounts, Mounts + "40 22 0:50 / /mnt/data rw - tmpfs none rw\n", 10, 60_000));
        Assert.Equal(WarmInitVerdict.MountsChanged, WarmInitPolicy.Decide(Mounts, Mounts.Replace("rw,relatime", "ro,relatime"), 10, 60_000));
        Assert.Equal(WarmInitVerdict.TooOld, WarmInitPolicy.Decide(Mounts, Mounts, 60_001, 60_000));
        Assert.Equal(WarmInitVerdict.TooOld, WarmInitPolicy.Decide(Mounts, Mounts, -1, 60_000));
    }

    [Fact]
    public void OnlyTasksInFreshNamespacesWithTheHostNetworkFitAWarmInit()
    {
        Assert.True(WarmInitPolicy.Fits(joinsNamespaces: false, ownNetwork: false));
        Assert.False(WarmInitPolicy.Fits(joinsNamespaces: true, ownNetwork: false));
        Assert.False(WarmInitPolicy.Fits(joinsNamespaces: false, ownNetwork: true));
    }

    [Fact]
    public void TheWarmMessageCarriesEveryOptionAndTheEnvironment()
    {
        var options = new TaskInitOptions("t-1", "/var/sandbox/t-1", "nobody", [new RlimitSetting("core", 0, 0)], ["sh", "-c", "", "x y"],
            LoopbackUp: false, Rootfs: "/images/alpine", Binds: new Dictionary<string, string> { ["/data"] = "/mnt/data" });
        var env = new Dictionary<string, string> { ["SECRET"] = "s3cr=t", ["PATH"] = "/bin" };
        var (decoded, decodedEnv) = WarmInitMessage.Decode(WarmInitMessage.Encode(options, env));
        Assert.Equal(options.ToArgs(), decoded.ToArgs());
        Assert.Equal(env, decodedEnv);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x\0")]
    [InlineData("3\0--id\0t\0")]
    public void ACutOrMalformedWarmMessageIsAFormatError(string message) =>
        Assert.Throws<FormatException>(() => WarmInitMessage.Decode(System.Text.Encoding.UTF8.GetBytes(message)));

    [Fact]
    public void ThePoolIsOnByDefaultAndSwitchesOff()
    {
        Assert.Equal(1, new LaunchOptions().WarmInits);
        Assert.Equal(TimeSpan.FromSeconds(60), new LaunchOptions().ResolvedWarmInitMaxAge);
        Assert.Null(new IsolatedTaskLauncher(new LaunchOptions(WarmInits: 0)).WarmInits);
    }
}
