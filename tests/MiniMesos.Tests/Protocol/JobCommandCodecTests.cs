using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

public sealed class JobCommandCodecTests
{
    private static readonly JobSpec Full = new("backup", Cmd: "tar czf /tmp/b.tgz /etc", Cpus: 0.5, Mem: 128, Disk: 10,
        Schedule: "R3/2026-01-01T00:00:00Z/PT2S", Retry: new RetryPolicy(2, 0.5, 1.5, 30), HistoryLimit: 7, CreatedAtMs: 1234,
        Env: new Dictionary<string, string> { ["A"] = "1" });

    private static readonly JobState Busy = new("backup",
        new JobRun("backup.2", "backup", 2, 5000, JobRunState.RetryPending, NotBeforeMs: 9000, Message: "TASK_FAILED (exit code 1)"),
        5000,
        [new JobRun("backup.1", "backup", 1, 1000, JobRunState.Succeeded, 1001, 1500),
         new JobRun("backup.2", "backup", 1, 5000, JobRunState.Failed, 5001, 5600, Message: "TASK_FAILED (exit code 1)")],
        3);

    [Fact]
    public void PutJobRoundTripsEveryField()
    {
        var decoded = Assert.IsType<PutJob>(CommandCodec.Decode(CommandCodec.Encode(new PutJob(9, Full))));
        Assert.Equal(9, decoded.AtMs);
        var job = decoded.Job;
        Assert.Equal((Full.Id, Full.Cmd, Full.Schedule, Full.Retry, Full.HistoryLimit, Full.CreatedAtMs),
            (job.Id, job.Cmd, job.Schedule, job.Retry, job.HistoryLimit, job.CreatedAtMs));
        Assert.Equal([0.5, 128, 10], [job.Cpus, job.Mem, job.Disk]);
        Assert.Equal("1", job.Env!["A"]);
        Assert.Null(job.Args);
        var argsOnly = new JobSpec("x", Args: ["/bin/true", "a b"]);
        var back = Assert.IsType<PutJob>(CommandCodec.Decode(CommandCodec.Encode(new PutJob(1, argsOnly)))).Job;
        Assert.Equal(["/bin/true", "a b"], back.Args!);
        Assert.Null(back.Retry);
        Assert.Null(back.Schedule);
    }

    [Fact]
    public void IsolationFieldsRoundTripAndAPlainSpecKeepsTheOlderElevenFieldShape()
    {
        var isolated = Full with { User = "daemon", Network = "none", Rootfs = "/srv/rootfs", Binds = new Dictionary<string, string> { ["/data"] = "/mnt/data" } };
        var job = Assert.IsType<PutJob>(CommandCodec.Decode(CommandCodec.Encode(new PutJob(9, isolated)))).Job;
        Assert.Equal(("daemon", "none", "/srv/rootfs", "/mnt/data"), (job.User, job.Network, job.Rootfs, job.Binds!["/data"]));
        Assert.Equal(("tar czf /tmp/b.tgz /etc", 7), (job.Cmd, job.HistoryLimit));

        // [tag, version, fixarray 2 [at, spec]]: the spec array follows the one-byte timestamp 9.
        var plain = CommandCodec.Encode(new PutJob(9, Full));
        Assert.Equal((byte)0x9b, plain[4]); // fixarray of 11: what masters wrote before jobs had isolation fields
        Assert.Equal((byte)0x9f, CommandCodec.Encode(new PutJob(9, isolated))[4]); // fixarray of 15
        var back = Assert.IsType<PutJob>(CommandCodec.Decode(plain)).Job;
        Assert.Equal((Full.Id, Full.CreatedAtMs), (back.Id, back.CreatedAtMs));
        Assert.Null(back.User);
        Assert.Null(back.Network);
        Assert.Null(back.Rootfs);
        Assert.Null(back.Binds);
    }

    [Fact]
    public void PutJobStateAndRemoveJobRoundTrip()
    {
        var decoded = Assert.IsType<PutJobState>(CommandCodec.Decode(CommandCodec.Encode(new PutJobState(3, Busy)))).State;
        Assert.Equal(Busy.Current, decoded.Current);
        Assert.Equal(Busy.LastFireMs, decoded.LastFireMs);
        Assert.Equal(Busy.Runs, decoded.Runs);
        Assert.Equal(3, decoded.NextSerial);
        Assert.Equal(CommandCodec.Encode(new PutJobState(3, Busy)), CommandCodec.Encode(new PutJobState(3, decoded)));
        Assert.Equal("backup", Assert.IsType<RemoveJob>(CommandCodec.Decode(CommandCodec.Encode(new RemoveJob(4, "backup")))).JobId);
    }

    [Fact]
    public void StateKeepsARunStateAcrossASpecReplaceAndRefusesStateForUnknownJobs()
    {
        var state = new ClusterState();
        Assert.False(state.Apply(new PutJobState(1, Busy)));
        Assert.True(state.Apply(new PutJob(2, Full)));
        Assert.Null(state.Jobs["backup"].State.Current);
        Assert.True(state.Apply(new PutJobState(3, Busy)));
        Assert.True(state.Apply(new PutJob(4, Full with { Cmd = "true" })));
        Assert.Equal(("true", Busy), (state.Jobs["backup"].Spec.Cmd, state.Jobs["backup"].State));
        Assert.True(state.Apply(new RemoveJob(5, "backup")));
        Assert.False(state.Apply(new RemoveJob(6, "backup")));
        Assert.Empty(state.Jobs);
    }

    [Fact]
    public void SnapshotVersion3KeepsJobsAndVersion2IsStillRead()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(2, 512), new Dictionary<string, string>(), 1)));
        state.Apply(new PutJob(2, Full));
        state.Apply(new PutJobState(3, Busy));
        var bytes = StateSnapshotCodec.Encode(state);
        Assert.Equal(4, bytes[0]);
        var copy = new ClusterState();
        StateSnapshotCodec.Restore(copy, bytes);
        Assert.Equal(Busy.Runs, copy.Jobs["backup"].State.Runs);
        Assert.Equal(Full.Schedule, copy.Jobs["backup"].Spec.Schedule);
        Assert.Equal(bytes, StateSnapshotCodec.Encode(copy));

        // A version-2 snapshot is [agents, tasks, apps]: the same bytes without the frameworks, agent health and jobs sections.
        var noJobs = new ClusterState();
        noJobs.Apply(new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(2, 512), new Dictionary<string, string>(), 1)));
        var v4 = StateSnapshotCodec.Encode(noJobs);
        Assert.Equal([0x97], v4[1..2]);
        Assert.Equal([0x92, 0x90, 0x80, 0x90, 0x90, 0x90], v4[^6..]);
        var v2 = v4[..^6];
        v2[0] = 2;
        v2[1] = 0x93;
        var old = new ClusterState();
        old.Apply(new PutJob(1, Full));
        StateSnapshotCodec.Restore(old, v2);
        Assert.Equal("pi1", old.Agents["a1"].Hostname);
        Assert.Empty(old.Jobs);
    }

    [Fact]
    public void RunNowStartsOnceAndCountsAOneShotJobAsRun()
    {
        var oneShot = new JobSpec("once", Cmd: "true");
        var started = JobScheduler.RunNow(oneShot, new JobState("once"), 100)!;
        Assert.Equal(("once.1", 1, JobRunState.Active), (started.Current!.RunId, started.Current.Attempt, started.Current.State));
        Assert.Equal("once.1.1", started.Current.TaskId);
        Assert.Null(JobScheduler.RunNow(oneShot, started, 200));
        var done = JobScheduler.Complete(oneShot, started, "once.1", true, 300);
        Assert.Null(JobScheduler.Decide(oneShot, done, 400).Start);

        var scheduled = new JobSpec("tick", Cmd: "true", Schedule: "0 0 1 1 *", CreatedAtMs: 0);
        var manual = JobScheduler.RunNow(scheduled, new JobState("tick", LastFireMs: 50), 100)!;
        Assert.Equal(50, manual.LastFireMs);
    }
}
