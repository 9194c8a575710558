using MiniMesos.Core.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class PidsLimitFallbackTests
{
    private static readonly IReadOnlyList<RlimitSetting> Core0 = [new RlimitSetting("core", 0, 0)];

    [Fact]
    public void WithoutThePidsControllerAProcessLimitBecomesRlimitNproc()
    {
        var rlimits = PidsLimitFallback.Rlimits(Core0, 32, pidsController: false);
        Assert.Equal([new RlimitSetting("core", 0, 0), new RlimitSetting("nproc", 48, 48)], rlimits); // + 16 for init's threads
        Assert.Equal(PidsLimitFallback.Note, PidsLimitFallback.Reported(["cpu", "memory"]));
    }

    [Fact]
    public void WithThePidsControllerOrNoLimitOrAnOperatorNprocNothingIsAdded()
    {
        Assert.Same(Core0, PidsLimitFallback.Rlimits(Core0, 32, pidsController: true));
        Assert.Same(Core0, PidsLimitFallback.Rlimits(Core0, 0, pidsController: false));
        IReadOnlyList<RlimitSetting> own = [new RlimitSetting("nproc", 100, 200)];
        Assert.Same(own, PidsLimitFallback.Rlimits(own, 32, pidsController: false));
        Assert.Null(PidsLimitFallback.Reported(["cpu", "memory", "pids"]));
    }
}
