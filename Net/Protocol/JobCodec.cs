using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A job's spec and its run state as positional MessagePack arrays (declaration order, nil for absent
/// optionals), shared by the PutJob/PutJobState commands and the state snapshot.
/// </summary>
internal static class JobCodec
{
    /// <summary>
    /// A spec without isolation fields (user, network, rootfs, binds) is written with 11, as masters wrote it before jobs
    /// had them, so a mixed-version cluster reads it; one with them has 15.
    /// </summary>
    private const int SpecFieldsWithoutIsolation = 11;
    private const int SpecFields = 15;
    private const int StateFields = 5;
    private const int RunFields = 9;
    private const string What = "job";

    public static void WriteSpec(ref MessagePackWriter w, JobSpec job)
    {
        var isolated = job.User is not null || job.Network is not null || job.Rootfs is not null || job.Binds is not null;
        w.WriteArrayHeader(isolated ? SpecFields : SpecFieldsWithoutIsolation);
        w.WriteString(job.Id);
        w.WriteString(job.Cmd);
        AppSpecCodec.WriteStrings(ref w, job.Args);
        AppSpecCodec.WriteMap(ref w, job.Env);
        w.WriteDouble(job.Cpus);
        w.WriteDouble(job.Mem);
        w.WriteDouble(job.Disk);
        w.WriteString(job.Schedule);
        if (job.Retry is not { } retry) w.WriteNil();
        else
        {
            w.WriteArrayHeader(4);
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
        AppSpecCodec.WriteMap(ref w, job.Binds);
    }

    public static JobSpec ReadSpec(ref MessagePackReader r)
    {
        var fields = r.ReadArrayHeader();
        if (fields is not (SpecFields or SpecFieldsWithoutIsolation))
            throw new ProtocolException($"{What} spec has {fields} fields, expected {SpecFields} (or {SpecFieldsWithoutIsolation} from older masters)");
        var id = MessagePackFields.RequiredString(ref r, What);
        var cmd = r.ReadString();
        var args = AppSpecCodec.ReadStrings(ref r);
        var env = AppSpecCodec.ReadMap(ref r);
        var (cpus, mem, disk) = (r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        var schedule = r.ReadString();
        RetryPolicy? retry = null;
        if (!r.TryReadNil())
        {
            Expect(ref r, 4, "retry policy");
            retry = new RetryPolicy(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        }
        var historyLimit = r.ReadInt32();
        var spec = new JobSpec(id, cmd, args, cpus, mem, disk, schedule, retry, historyLimit, r.ReadInt64(), env);
        if (fields == SpecFieldsWithoutIsolation) return spec;
        return spec with { User = r.ReadString(), Network = r.ReadString(), Rootfs = r.ReadString(), Binds = AppSpecCodec.ReadMap(ref r) };
    }

    public static void WriteState(ref MessagePackWriter w, JobState state)
    {
        w.WriteArrayHeader(StateFields);
        w.WriteString(state.JobId);
        if (state.Current is null) w.WriteNil();
        else WriteRun(ref w, state.Current);
        WriteOptionalLong(ref w, state.LastFireMs);
        w.WriteArrayHeader(state.Runs.Count);
        foreach (var run in state.Runs) WriteRun(ref w, run);
        w.WriteInt64(state.NextSerial);
    }

    public static JobState ReadState(ref MessagePackReader r)
    {
        Expect(ref r, StateFields, "run state");
        var jobId = MessagePackFields.RequiredString(ref r, What);
        var current = r.TryReadNil() ? null : ReadRun(ref r);
        var lastFire = ReadOptionalLong(ref r);
        var history = new List<JobRun>();
        for (var n = r.ReadArrayHeader(); n > 0; n--) history.Add(ReadRun(ref r));
        return new JobState(jobId, current, lastFire, history, r.ReadInt64());
    }

    private static void WriteRun(ref MessagePackWriter w, JobRun run)
    {
        w.WriteArrayHeader(RunFields);
        w.WriteString(run.RunId);
        w.WriteString(run.JobId);
        w.WriteInt64(run.Attempt);
        w.WriteInt64(run.ScheduledForMs);
        w.WriteInt64((int)run.State);
        WriteOptionalLong(ref w, run.StartedAtMs);
        WriteOptionalLong(ref w, run.FinishedAtMs);
        WriteOptionalLong(ref w, run.NotBeforeMs);
        w.WriteString(run.Message);
    }

    private static JobRun ReadRun(ref MessagePackReader r)
    {
        Expect(ref r, RunFields, "run");
        var runId = MessagePackFields.RequiredString(ref r, What);
        var jobId = MessagePackFields.RequiredString(ref r, What);
        var attempt = r.ReadInt32();
        var scheduled = r.ReadInt64();
        var state = (JobRunState)r.ReadInt64();
        if (!Enum.IsDefined(state)) throw new ProtocolException($"{What}: run {runId} has unknown state {(int)state}");
        return new JobRun(runId, jobId, attempt, scheduled, state, ReadOptionalLong(ref r), ReadOptionalLong(ref r), ReadOptionalLong(ref r), r.ReadString());
    }

    private static void WriteOptionalLong(ref MessagePackWriter w, long? value)
    {
        if (value is { } v) w.WriteInt64(v);
        else w.WriteNil();
    }

    private static long? ReadOptionalLong(ref MessagePackReader r) => r.TryReadNil() ? null : r.ReadInt64();

    private static void Expect(ref MessagePackReader r, int fields, string part)
    {
        var count = r.ReadArrayHeader();
        if (count != fields) throw new ProtocolException($"{What} {part} has {count} fields, expected {fields}");
    }
}
