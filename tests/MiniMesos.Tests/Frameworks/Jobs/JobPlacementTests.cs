using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Jobs;

public sealed class JobPlacementTests
{
    private static Offer O(string id, double cpus, long mem, long expires = 10_000) =>
        new(id, "jobs", "agent-" + id, "host-" + id, new Dictionary<string, string>(), new ResourceSet(new Resources(cpus, mem), PortRanges.Empty), 0, expires);

    [Fact]
    public void FirstLiveOfferWithRoomWinsAndAttemptsGetDistinctTaskIds()
    {
        var spec = new JobSpec("etl", Cmd: "x", Cpus: 1, Mem: 256);
        var run = new JobRun("etl.4", "etl", 2, 0, JobRunState.Active);
        var (launch, why) = JobPlacement.Place(spec, run, [O("small", 0.5, 4096), O("old", 4, 4096, expires: 1_000), O("big", 4, 4096)], 5_000);
        Assert.Null(why);
        Assert.Equal(("big", "etl.4.2"), (launch!.OfferId, launch.Task.TaskId));
        var (none, reason) = JobPlacement.Place(spec, run, [O("small", 0.5, 4096)], 0);
        Assert.Null(none);
        Assert.Contains("host-small: cpus: 1 requested, 0.5 available", reason);
        Assert.Equal("waiting for resource offers", JobPlacement.Place(spec, run, [], 0).WhyNot);
    }
}
