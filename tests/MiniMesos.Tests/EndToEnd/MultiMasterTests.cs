using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Three real masters (Raft over TCP, SQLite in temp dirs) and an agent in one process on loopback.</summary>
[Trait("Category", "Slow")]
public sealed partial class MultiMasterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = ThreeMasters.Patience;
    private readonly ThreeMasters _trio = new("minimesos-raft-e2e-", LogLevel.Debug);

    // All three start together and bootstrap one cluster once they know each other.
    public Task InitializeAsync() => _trio.StartAsync((i, api, cluster) => StartMasterAsync(i, api, cluster, _trio.Ports.Select(p => $"127.0.0.1:{p.Cluster}").ToList()));

    public async Task DisposeAsync() => await _trio.DisposeAsync();

    [Fact]
    public async Task OneLeaderServesThroughAnyMasterAndSurvivesLosingIt()
    {
        var leader = await LeaderAsync(_trio.Masters);
        Assert.Single(_trio.Masters, m => m.Host.Raft.Status.Role == RaftRole.Leader);
        var follower = _trio.Masters.First(m => m != leader);

        // A follower forwards the API call to the leader; the task runs on the agent, which found the leader itself.
        using (var viaFollower = follower.Client())
        {
            var first = await viaFollower.SubmitAsync(Shell("echo one"), CancellationToken.None);
            Assert.Equal("one\n", await OutputAsync(viaFollower, first.Id));
            var status = StatusEndpoint.View(new ApiContext(follower.Host.Service, follower.Host.Raft, follower.Host.Directory));
            Assert.Equal("follower", status.Role);
            Assert.Equal(leader.Host.Raft.Id, status.Leader);
            Assert.Equal(3, status.Masters.Count);
        }

        // The leader dies: the other two elect a new one, which still has the first task and runs new ones.
        var firstIds = leader.Host.Service.Tasks().Select(t => t.Id).ToList();
        await leader.StopAsync();
        var survivors = _trio.Masters.Where(m => m != leader).ToList();
        var next = await LeaderAsync(survivors);
        Assert.NotEqual(leader.Host.Raft.Id, next.Host.Raft.Id);
        Assert.Equal(firstIds, next.Host.Service.Tasks().Select(t => t.Id).ToList());
        using var client = survivors.First(m => m != next).Client();
        var second = await SubmitWithRetryAsync(client, Shell("echo two"));
        Assert.Equal("two\n", await OutputAsync(client, second.Id));
    }

    [Fact]
    public async Task AppsAreForwardedReplicatedAndNotRelaunchedAfterFailOver()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var follower = _trio.Masters.First(m => m != leader);
        using (var viaFollower = follower.Client())
        {
            var (status, body) = await viaFollower.SendAsync(HttpMethod.Post, "/v2/apps",
                """{"id": "/ha", "cmd": "exec sleep 60", "cpus": 0.1, "mem": 16, "instances": 1}""", CancellationToken.None);
            Assert.True(status == 201, body);
        }
        string RunningIds(RunningMaster m) => string.Join(",", m.Host.Service.Tasks()
            .Where(t => t.Spec.AppId == "/ha" && t.State == TaskState.Running).Select(t => t.Id));
        var instance = await Eventually.MatchAsync(() => Task.FromResult(RunningIds(leader)), ids => ids.Length > 0, "the app's instance runs", Patience);

        await leader.StopAsync();
        var survivors = _trio.Masters.Where(m => m != leader).ToList();
        var next = await LeaderAsync(survivors);
        Assert.NotNull(next.Host.Service.App("/ha"));
        // The new leader's apps loop sees the running instance (the agent reattaches) and launches nothing more: nothing
        // marks "decided to launch nothing", so the app is watched for a while.
        await Eventually.TrueAsync(() => RunningIds(next) == instance, "the new leader sees the instance running", Patience);
        await Eventually.StaysTrueAsync(() => RunningIds(next) == instance && next.Host.Service.Tasks().Count(t => t.Spec.AppId == "/ha") == 1,
            "the app has its one instance and no other", TimeSpan.FromSeconds(2));
        Assert.Single(next.Host.Service.Tasks(), t => t.Spec.AppId == "/ha");
        using var client = next.Client();
        Assert.Equal(200, (await client.SendAsync(HttpMethod.Delete, "/v2/apps/ha", null, CancellationToken.None)).Status);
        await Eventually.TrueAsync(() => next.Host.Service.Tasks().All(t => t.Spec.AppId != "/ha" || t.State.IsTerminal()), "the app's instances have ended",
            Patience);
        Assert.All(next.Host.Service.Tasks().Where(t => t.Spec.AppId == "/ha"), t => Assert.True(t.State.IsTerminal()));
    }

    [Fact]
    public async Task MastersAreRemovedAndAddedOneAtATime()
    {
        var leader = await LeaderAsync(_trio.Masters);
        using var client = leader.Client();
        var task = await client.SubmitAsync(Shell("true"), CancellationToken.None);

        var removed = _trio.Masters.First(m => m != leader);
        var afterRemove = await client.RemoveMasterAsync(removed.Host.Raft.Id, CancellationToken.None);
        Assert.Equal("non-voter", afterRemove.Masters.Single(m => m.Id == removed.Host.Raft.Id).Role);
        Assert.Equal(2, leader.Host.Raft.Status.Voters.Count);
        await removed.StopAsync();

        // A fresh master joins (--bootstrap-expect 0), is added by id, and catches up with the log.
        var api = InProcessCluster.FreePort();
        var clusterPort = InProcessCluster.FreePort();
        var joiner = await StartMasterAsync(9, api, clusterPort, [leader.Host.Directory.Self.ClusterAddress], expect: 0);
        _trio.Masters.Add(joiner);
        Assert.Empty(joiner.Host.Raft.Status.Voters);
        var afterAdd = await client.AddMasterAsync(joiner.Host.Raft.Id, $"127.0.0.1:{clusterPort}", CancellationToken.None);
        Assert.Equal(3, afterAdd.Masters.Count(m => m.Role is "leader" or "follower"));
        await Eventually.TrueAsync(() => joiner.Host.Service.Task(task.Id) is not null, "the joiner has caught up with the task", Patience);
        Assert.Equal(3, joiner.Host.Raft.Status.Voters.Count);

        var missing = await Assert.ThrowsAsync<MiniMesos.Net.Cli.CliException>(() => client.RemoveMasterAsync(12345, CancellationToken.None));
        Assert.Contains("not a member", missing.Message);
    }

    private static TaskSubmitRequest Shell(string script) => new(["/bin/sh", "-c", script], null, "ha", 0.1, 16, null);

    /// <summary>Submits, again while the new leader is settling (it answers errors until it has applied its predecessor's log).</summary>
    private static async Task<TaskView> SubmitWithRetryAsync(MiniMesos.Net.Cli.ApiClient client, TaskSubmitRequest request)
    {
        string? lastError = null;
        return (await Eventually.MatchAsync(async () =>
        {
            try
            {
                return await client.SubmitAsync(request, CancellationToken.None);
            }
            catch (MiniMesos.Net.Cli.CliException e)
            {
                lastError = e.Message;
                return null;
            }
        }, task => task is not null, "a submission is accepted", TimeSpan.FromSeconds(10), () => $"last error: {lastError}", TimeSpan.FromMilliseconds(100)))!;
    }

    private static async Task<string> OutputAsync(MiniMesos.Net.Cli.ApiClient client, string id)
    {
        var output = new MemoryStream();
        await client.FollowLogAsync(id, "stdout", output, CancellationToken.None).WaitAsync(Patience);
        var task = await client.GetTaskAsync(id, CancellationToken.None);
        Assert.Equal("TASK_FINISHED", task.State);
        return Encoding.UTF8.GetString(output.ToArray());
    }


    private static Task<RunningMaster> LeaderAsync(IReadOnlyList<RunningMaster> masters) => RunningMaster.LeaderAsync(masters, Patience);

    private async Task<RunningMaster> StartMasterAsync(int i, int api, int cluster, IReadOnlyList<string> joins, int expect = 3)
    {
        var stop = new CancellationTokenSource();
        var (host, stopped) = await MasterHost.StartAsync(new MasterOptions(
            new IPEndPoint(IPAddress.Loopback, api), new IPEndPoint(IPAddress.Loopback, cluster), _trio.DataDir(i), "test",
            _trio.Secret, "127.0.0.1", joins, BootstrapExpect: expect), _trio.Logs, stop.Token);
        return new RunningMaster(host, stopped, stop, api, _trio.Secret.Token, Patience);
    }

}
