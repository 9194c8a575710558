using MiniMesos.Core.Model;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The Framework API across masters: followers send frameworks to the leader; a new leader keeps them and their tasks.</summary>
public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task FollowersPointFrameworksToTheLeaderAndANewLeaderKeepsThemAndTheirTasks()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var follower = _trio.Masters.First(m => m != leader);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FrameworkClient.SubscribeAsync(ClusterPort(follower), _trio.Secret, "ha-fw", 60));
        Assert.Contains("NotLeader", refused.Message);
        Assert.Contains($"Leader = 127.0.0.1:{ClusterPort(leader)} }}", refused.Message);

        string id;
        await using (var framework = await FrameworkClient.SubscribeAsync(ClusterPort(leader), _trio.Secret, "ha-fw", 60))
        {
            id = framework.FrameworkId;
            var offer = (await framework.NextAsync<FwOffers>()).Offers[0];
            await framework.SendAsync(new FwAccept([offer.OfferId],
                [new FwTaskInfo("ha-task", "ha-task", ["/bin/sleep", "60"], new Dictionary<string, string>(), 0.1, 16, 0, [])], null));
            await framework.NextAsync<FwUpdate>(u => u.TaskId == "ha-task" && u.State == "TASK_RUNNING", seconds: 30);
        }
        await leader.StopAsync();
        var next = await LeaderAsync(_trio.Masters.Where(m => m != leader).ToList());
        Assert.Equal(id, Assert.Single(next.Host.Service.Frameworks()).Id);
        Assert.True(next.Host.Service.OwnsTask(id, "ha-task"));

        await using var back = await FrameworkClient.SubscribeAsync(ClusterPort(next), _trio.Secret, "ha-fw", 60, id);
        await back.SendAsync(new FwReconcile(["ha-task"]));
        var state = await back.NextAsync<FwUpdate>(u => u.Uuid.Length == 0, seconds: 30);
        Assert.Equal("TASK_RUNNING", state.State);
        Assert.Equal(TaskState.Running, next.Host.Service.Task("ha-task")!.State);
        await back.SendAsync(new FwTeardown());
        await Eventually.TrueAsync(() => next.Host.Service.Task("ha-task")!.State == TaskState.Killed, "the torn-down framework's task is killed", Patience);
        Assert.Empty(next.Host.Service.Frameworks());
    }

    private static int ClusterPort(RunningMaster master) =>
        int.Parse(master.Host.Directory.Get(master.Host.Raft.Id)!.ClusterAddress.Split(':')[^1]);
}
