using Xunit;

namespace MiniMesos.Tests.EndToEnd;

public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task LeaderOnlyLoopsRunOnTheLeaderAloneAndMoveToTheNextLeader()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var loops = leader.Host.Service.LeaderServices.Names;
        Assert.Equal(["service table feed", "upkeep", "apps", "jobs"], loops);
        string Running(IEnumerable<RunningMaster> masters) =>
            string.Join(", ", masters.Select(m => $"{m.Host.Raft.Id}: {m.Host.Service.LeaderServices.Running}"));
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Service.LeaderServices.Running == (m == leader ? loops.Count : 0)),
            "the leader runs every leader-only loop and the followers none", Patience, () => Running(_trio.Masters));

        // The leader stops: its loops stop with it, and the next leader starts them (and no other master does).
        await leader.StopAsync();
        Assert.Equal(0, leader.Host.Service.LeaderServices.Running);
        var survivors = _trio.Masters.Where(m => m != leader).ToList();
        var next = await LeaderAsync(survivors);
        await Eventually.TrueAsync(() => survivors.All(m => m.Host.Service.LeaderServices.Running == (m == next ? loops.Count : 0)),
            "the new leader runs every leader-only loop and the follower none", Patience, () => Running(survivors));
        Assert.True(next.Host.Service.LeaderServices.Terms >= 1);

        // Submitted after the fail-over, a task is placed and launched by the new leader's loops.
        using var client = survivors.First(m => m != next).Client();
        var task = await SubmitWithRetryAsync(client, Shell("echo after"));
        Assert.Equal("after\n", await OutputAsync(client, task.Id));
    }
}
