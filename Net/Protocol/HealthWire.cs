using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Health checks and health reports as named MessagePack maps (docs/protocol.md): the "health_checks" field of a
/// launch, the "health" message, and the agent's checkpoint of what it probes (same check maps, so one format).
/// </summary>
internal static class HealthWire
{
    private const string CheckpointType = "health_checkpoint";

    public static void WriteChecks(ref MessagePackWriter w, string key, IReadOnlyList<HealthCheckSpec> checks)
    {
        w.WriteString(key);
        w.WriteArrayHeader(checks.Count);
        foreach (var c in checks)
        {
            w.WriteMapHeader(8);
            w.WriteString("protocol"); w.WriteString(c.Protocol);
            w.WriteString("command"); w.WriteString(c.Command);
            w.WriteString("path"); w.WriteString(c.Path);
            w.WriteString("port_index"); w.WriteInt64(c.PortIndex);
            w.WriteString("grace_ms"); w.WriteInt64(Ms(c.GracePeriodSeconds));
            w.WriteString("interval_ms"); w.WriteInt64(Ms(c.IntervalSeconds));
            w.WriteString("timeout_ms"); w.WriteInt64(Ms(c.TimeoutSeconds));
            w.WriteString("max_failures"); w.WriteInt64(c.MaxConsecutiveFailures);
        }
    }

    public static IReadOnlyList<HealthCheckSpec>? ReadChecks(WireFields f, string key) =>
        f.OptionalMapList(key)?.Select(c => new HealthCheckSpec(c.String("protocol"), c.OptionalString("command"), c.OptionalString("path"),
            c.Int32("port_index"), c.Int("grace_ms") / 1000.0, c.Int("interval_ms") / 1000.0, c.Int("timeout_ms") / 1000.0,
            c.Int32("max_failures"))).ToList();

    public static void WriteReport(ref MessagePackWriter w, HealthReport m)
    {
        w.WriteMapHeader(3);
        w.WriteString("t"); w.WriteString(m.Type);
        w.WriteString("task_id"); w.WriteString(m.Health.TaskId);
        w.WriteString("checks");
        w.WriteArrayHeader(m.Health.Checks.Count);
        foreach (var (status, tally) in m.Health.Checks)
        {
            w.WriteMapHeader(7);
            w.WriteString("status"); w.WriteString(status.ToString().ToLowerInvariant());
            w.WriteString("alive");
            if (tally.LastOk is { } ok) w.WriteBoolean(ok);
            else w.WriteNil();
            w.WriteString("consecutive_failures"); w.WriteInt64(tally.ConsecutiveFailures);
            OptionalLong(ref w, "first_success_ms", tally.FirstSuccessAtMs);
            OptionalLong(ref w, "last_success_ms", tally.LastSuccessAtMs);
            OptionalLong(ref w, "last_failure_ms", tally.LastFailureAtMs);
            w.WriteString("last_failure_cause"); w.WriteString(tally.LastFailureCause);
        }
    }

    public static HealthReport ReadReport(WireFields f)
    {
        var checks = (f.OptionalMapList("checks") ?? throw new ProtocolException("message 'health': field 'checks' is missing or not an array of maps"))
            .Select(c =>
            {
                var status = c.String("status");
                if (!Enum.TryParse<HealthStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    throw new ProtocolException($"message 'health': status '{status}' is not one of unknown, healthy, failing, unhealthy");
                var first = c.OptionalInt("first_success_ms");
                return new CheckHealth(parsed, new InstanceHealth(0, c.Int32("consecutive_failures"), first is not null, c.OptionalBool("alive"),
                    FirstSuccessAtMs: first, LastSuccessAtMs: c.OptionalInt("last_success_ms"), LastFailureAtMs: c.OptionalInt("last_failure_ms"),
                    LastFailureCause: c.OptionalString("last_failure_cause")));
            }).ToList();
        return new HealthReport(new TaskHealth(f.String("task_id"), checks));
    }

    /// <summary>What the agent keeps in a task's sandbox so probing resumes after an agent restart.</summary>
    public static byte[] EncodeCheckpoint(HealthWatch watch)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(4);
        w.WriteString("t"); w.WriteString(CheckpointType);
        w.WriteString("started_at_ms"); w.WriteInt64(watch.StartedAtMs);
        WriteChecks(ref w, "health_checks", watch.Checks);
        w.WriteString("env");
        MessagePackFields.WriteStringMap(ref w, watch.Env);
        return buffer.WrittenSpan.ToArray();
    }

    public static HealthWatch DecodeCheckpoint(ReadOnlySpan<byte> bytes)
    {
        WireFields f;
        try
        {
            f = WireFields.Read(bytes, MessagePackLimits.Default);
        }
        catch (MessagePackException e)
        {
            throw new ProtocolException($"malformed health checkpoint: {e.Message}");
        }
        if (f.MessageType != CheckpointType) throw new ProtocolException($"not a health checkpoint: '{f.MessageType}'");
        return new HealthWatch(f.Int("started_at_ms"), ReadChecks(f, "health_checks") ?? [], f.StringMap("env"));
    }

    private static void OptionalLong(ref MessagePackWriter w, string key, long? value)
    {
        w.WriteString(key);
        if (value is { } v) w.WriteInt64(v);
        else w.WriteNil();
    }

    private static long Ms(double seconds) => (long)Math.Round(seconds * 1000);
}
