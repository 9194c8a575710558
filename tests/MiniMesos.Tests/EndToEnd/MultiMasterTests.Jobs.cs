using System.Text.Json;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task AJobInFlightSurvivesALeaderChangeWithoutASecondRun()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var follower = _trio.Masters.First(m => m != leader);
        using (var viaFollower = follower.Client())
        {
            var (status, body) = await viaFollower.SendAsync(HttpMethod.Post, "/v1/jobs",
                """{"id": "ha-job", "cmd": "sleep 5", "cpus": 0.1, "mem": 16, "retry": {"maxRetries": 0}}""", CancellationToken.None);
            Assert.True(status == 201, body);
        }
        bool Running(RunningMaster m) => m.Host.Service.Task("ha-job.1.1") is { State: TaskState.Running };
        await Eventually.TrueAsync(() => Running(leader), "the job's attempt runs", Patience, () => _trio.Log.ToString());

        await leader.StopAsync();
        var survivors = _trio.Masters.Where(m => m != leader).ToList();
        var next = await LeaderAsync(survivors);
        // The new leader has the run state the old one committed before it launched the attempt.
        var seen = next.Host.Service.Job("ha-job")!.Value.State;
        Assert.True(seen.Current is { State: JobRunState.Active, Attempt: 1 } || seen.Runs.Count == 1, $"{seen}");
        // The new leader sees the attempt end (the agent reattaches and reports it) and records it: one run, one attempt.
        await Eventually.TrueAsync(() => next.Host.Service.Job("ha-job")!.Value.State.Current is null, "the new leader records the run's end", Patience);
        // Nothing marks "no retry will come": the job stays at one run for a while.
        await Eventually.StaysTrueAsync(() => next.Host.Service.Job("ha-job")!.Value.State is { Current: null, Runs.Count: 1 },
            "the job has one finished run and no new attempt", TimeSpan.FromSeconds(2));
        var state = next.Host.Service.Job("ha-job")!.Value.State;
        Assert.Null(state.Current);
        var attempt = Assert.Single(state.Runs);
        Assert.Equal(("ha-job.1", 1, JobRunState.Succeeded), (attempt.RunId, attempt.Attempt, attempt.State));
        Assert.Single(next.Host.Service.Tasks(), t => t.Id.StartsWith("ha-job.", StringComparison.Ordinal));

        using var client = next.Client();
        var (code, text) = await client.SendAsync(HttpMethod.Get, "/v1/jobs/ha-job", null, CancellationToken.None);
        Assert.Equal(200, code);
        var run = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("TASK_FINISHED", run.GetProperty("attempts")[0].GetProperty("taskState").GetString());
    }
}
