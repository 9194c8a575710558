using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A job's spec and its run state as positional MessagePack arrays (declaration order, nil for absent
/// optionals), shared by the PutJob/PutJobState commands and the state snapshot.
/// </summary>
internal static class JobCodec
{
    private const string What = "job";

    /// <summary>
    /// Version 1 (11 fields): a spec without isolation fields (user, network, rootfs, binds), as masters wrote it before
    /// jobs had them, so a mixed-version cluster reads it; version 2 (15) appends them.
    /// </summary>
    public static readonly RecordVersions SpecVersions = new("job spec", 11, 15);

    private static readonly RecordVersions StateVersions = new("job run state", 5);
    private static readonly RecordVersions RunVersions = new("job run", 9);
    private static readonly RecordVersions RetryVersions = new("job retry policy", 4);

    public static void WriteSpec(ref MessagePackWriter w, JobSpec job)
    {
        var isolated = job.User is not null || job.Network is not null || job.Rootfs is not null || job.Binds is not null;
        SpecVersions.WriteHeader(ref w, isolated ? 2 : 1);
        w.WriteString(job.Id);
        w.WriteString(job.Cmd);
        MessagePackFields.WriteStrings(ref w, job.Args);
        MessagePackFields.WriteOptionalMap(ref w, job.Env);
        w.WriteDouble(job.Cpus);
        w.WriteDouble(job.Mem);
        w.WriteDouble(job.Disk);
        w.WriteString(job.Schedule);
        if (job.Retry is not { } retry) w.WriteNil();
        else
        {
            RetryVersions.WriteHeader(ref w, 1);
            w.WriteInt64(retry.MaxRetries);
            w.WriteDouble(retry.BackoffSeconds);
            w.WriteDouble(retry.BackoffFactor);
            w.WriteDouble(retry.MaxBackoffSeconds);
        }
        w.WriteInt64(job.HistoryLimit);
        w.WriteInt64(job.CreatedAtMs);
        if (!isolated) return;
        w.WriteString(job.User);
        w.WriteString(job.Network);
        w.WriteString(job.Rootfs);
        MessagePackFields.WriteOptionalMap(ref w, job.Binds);
    }

    public static JobSpec ReadSpec(ref MessagePackReader r)
    {
        var version = SpecVersions.ReadHeader(ref r);
        var id = MessagePackFields.RequiredString(ref r, What);
        var cmd = r.ReadString();
        var args = MessagePackFields.ReadStrings(ref r, What);
        var env = MessagePackFields.ReadOptionalMap(ref r, What);
        var (cpus, mem, disk) = (r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        var schedule = r.ReadString();
        RetryPolicy? retry = null;
        if (!r.TryReadNil())
        {
            RetryVersions.ReadHeader(ref r);
            retry = new RetryPolicy(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        }
        var historyLimit = r.ReadInt32();
        var spec = new JobSpec(id, cmd, args, cpus, mem, disk, schedule, retry, historyLimit, r.ReadInt64(), env);
        if (version == 1) return spec;
        return spec with { User = r.ReadString(), Network = r.ReadString(), Rootfs = r.ReadString(), Binds = MessagePackFields.ReadOptionalMap(ref r, What) };
    }

    public static void WriteState(ref MessagePackWriter w, JobState state)
    {
        StateVersions.WriteHeader(ref w, 1);
        w.WriteString(state.JobId);
        if (state.Current is null) w.WriteNil();
        else WriteRun(ref w, state.Current);
        MessagePackFields.WriteOptionalInt(ref w, state.LastFireMs);
        MessagePackFields.WriteList(ref w, state.Runs, WriteRun);
        w.WriteInt64(state.NextSerial);
    }

    public static JobState ReadState(ref MessagePackReader r)
    {
        StateVersions.ReadHeader(ref r);
        var jobId = MessagePackFields.RequiredString(ref r, What);
        var current = r.TryReadNil() ? null : ReadRun(ref r);
        var lastFire = MessagePackFields.ReadOptionalLong(ref r);
        var history = MessagePackFields.ReadList(ref r, ReadRun);
        return new JobState(jobId, current, lastFire, history, r.ReadInt64());
    }

    /// <summary>The snapshot's jobs section entry: [spec, run state].</summary>
    public static void WriteJob(ref MessagePackWriter w, (JobSpec Spec, JobState State) job)
    {
        w.WriteArrayHeader(2);
        WriteSpec(ref w, job.Spec);
        WriteState(ref w, job.State);
    }

    public static (JobSpec, JobState) ReadJob(ref MessagePackReader r)
    {
        var fields = r.ReadArrayHeader();
        if (fields != 2) throw new ProtocolException($"state snapshot: job has {fields} fields, expected 2");
        return (ReadSpec(ref r), ReadState(ref r));
    }

    private static void WriteRun(ref MessagePackWriter w, JobRun run)
    {
        RunVersions.WriteHeader(ref w, 1);
        w.WriteString(run.RunId);
        w.WriteString(run.JobId);
        w.WriteInt64(run.Attempt);
        w.WriteInt64(run.ScheduledForMs);
        w.WriteInt64((int)run.State);
        MessagePackFields.WriteOptionalInt(ref w, run.StartedAtMs);
        MessagePackFields.WriteOptionalInt(ref w, run.FinishedAtMs);
        MessagePackFields.WriteOptionalInt(ref w, run.NotBeforeMs);
        w.WriteString(run.Message);
    }

    private static JobRun ReadRun(ref MessagePackReader r)
    {
        RunVersions.ReadHeader(ref r);
        var runId = MessagePackFields.RequiredString(ref r, What);
        var jobId = MessagePackFields.RequiredString(ref r, What);
        var attempt = r.ReadInt32();
        var scheduled = r.ReadInt64();
        var state = (JobRunState)r.ReadInt64();
        if (!Enum.IsDefined(state)) throw new ProtocolException($"{What}: run {runId} has unknown state {(int)state}");
        return new JobRun(runId, jobId, attempt, scheduled, state, MessagePackFields.ReadOptionalLong(ref r), MessagePackFields.ReadOptionalLong(ref r),
            MessagePackFields.ReadOptionalLong(ref r), r.ReadString());
    }
}
