using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>The Framework API messages to and from MessagePack maps (docs/protocol.md, "Framework API").</summary>
internal static class FrameworkMessageCodec
{
    /// <summary>Writes a framework message; false when <paramref name="message"/> is not one.</summary>
    public static bool TryEncode(ref MessagePackWriter w, WireMessage message)
    {
        switch (message)
        {
            case FwSubscribe m:
                MessageCodec.Header(ref w, m, 5);
                MessageCodec.Str(ref w, "framework_id", m.FrameworkId);
                MessageCodec.Str(ref w, "name", m.Name);
                MessageCodec.Str(ref w, "role", m.Role);
                w.WriteString("failover_timeout"); w.WriteDouble(m.FailoverTimeoutSeconds);
                break;
            case FwSubscribed m:
                MessageCodec.Header(ref w, m, 3);
                MessageCodec.Str(ref w, "framework_id", m.FrameworkId);
                w.WriteString("heartbeat_interval"); w.WriteDouble(m.HeartbeatIntervalSeconds);
                break;
            case FwOffers m:
                MessageCodec.Header(ref w, m, 2);
                w.WriteString("offers");
                w.WriteArrayHeader(m.Offers.Count);
                foreach (var o in m.Offers) WriteOffer(ref w, o);
                break;
            case FwAccept m:
                MessageCodec.Header(ref w, m, 4);
                MessageCodec.List(ref w, "offer_ids", m.OfferIds);
                w.WriteString("tasks");
                w.WriteArrayHeader(m.Tasks.Count);
                foreach (var t in m.Tasks) WriteTask(ref w, t);
                w.WriteString("refuse_seconds"); OptionalDouble(ref w, m.RefuseSeconds);
                break;
            case FwAcceptRefused m:
                MessageCodec.Header(ref w, m, 3);
                MessageCodec.List(ref w, "offer_ids", m.OfferIds);
                MessageCodec.Str(ref w, "reason", m.Reason);
                break;
            case FwDecline m:
                MessageCodec.Header(ref w, m, 3);
                MessageCodec.List(ref w, "offer_ids", m.OfferIds);
                w.WriteString("refuse_seconds"); OptionalDouble(ref w, m.RefuseSeconds);
                break;
            case FwRescind m:
                MessageCodec.Header(ref w, m, 3);
                MessageCodec.Str(ref w, "offer_id", m.OfferId);
                MessageCodec.Str(ref w, "reason", m.Reason);
                break;
            case FwUpdate m:
                MessageCodec.Header(ref w, m, 8);
                MessageCodec.Str(ref w, "uuid", m.Uuid);
                MessageCodec.Str(ref w, "task_id", m.TaskId);
                MessageCodec.Str(ref w, "state", m.State);
                MessageCodec.Str(ref w, "agent_id", m.AgentId);
                w.WriteString("exit_code");
                if (m.ExitCode is { } code) w.WriteInt64(code); else w.WriteNil();
                MessageCodec.Str(ref w, "message", m.Message);
                w.WriteString("signal");
                if (m.Signal is { } signal) w.WriteInt64(signal); else w.WriteNil();
                break;
            case FwAcknowledge m:
                MessageCodec.Header(ref w, m, 3);
                MessageCodec.Str(ref w, "uuid", m.Uuid);
                MessageCodec.Str(ref w, "task_id", m.TaskId);
                break;
            case FwKill m:
                MessageCodec.Header(ref w, m, 2);
                MessageCodec.Str(ref w, "task_id", m.TaskId);
                break;
            case FwReconcile m:
                MessageCodec.Header(ref w, m, 2);
                MessageCodec.List(ref w, "task_ids", m.TaskIds);
                break;
            case FwSuppress or FwRevive or FwTeardown or FwHeartbeat:
                MessageCodec.Header(ref w, message, 1);
                break;
            case FwError m:
                MessageCodec.Header(ref w, m, 4);
                MessageCodec.Str(ref w, "message_type", m.MessageType);
                MessageCodec.Str(ref w, "field", m.Field);
                MessageCodec.Str(ref w, "reason", m.Reason);
                break;
            default:
                return false;
        }
        return true;
    }

    /// <summary>Reads a framework message by its type; null when the type is not one of them.</summary>
    public static WireMessage? Decode(WireFields f) => f.MessageType switch
    {
        "subscribe" => new FwSubscribe(f.OptionalString("framework_id"), f.String("name"), f.OptionalString("role") ?? "*",
            f.OptionalDouble("failover_timeout") ?? 0),
        "subscribed" => new FwSubscribed(f.String("framework_id"), f.Double("heartbeat_interval")),
        "offers" => new FwOffers(f.MapList("offers").Select(o => new FwOffer(o.String("offer_id"), o.String("agent_id"), o.String("hostname"),
            o.StringMapOrEmpty("attributes"), o.Double("cpus"), o.Int("mem"), o.Int("disk"), o.RangeList("ports"))).ToList()),
        "accept" => new FwAccept(f.StringList("offer_ids"), f.MapList("tasks").Select(ReadTask).ToList(), f.OptionalDouble("refuse_seconds")),
        "accept_refused" => new FwAcceptRefused(f.StringList("offer_ids"), f.String("reason")),
        "decline" => new FwDecline(f.StringList("offer_ids"), f.OptionalDouble("refuse_seconds")),
        "rescind" => new FwRescind(f.String("offer_id"), f.String("reason")),
        "update" => new FwUpdate(f.String("uuid"), f.String("task_id"), f.String("state"), f.OptionalString("agent_id"),
            f.OptionalInt32("exit_code"), f.OptionalString("message"), f.OptionalInt32("signal")),
        "acknowledge" => new FwAcknowledge(f.String("uuid"), f.String("task_id")),
        "kill_task" => new FwKill(f.String("task_id")),
        "reconcile" => new FwReconcile(f.StringListOrEmpty("task_ids")),
        "suppress" => new FwSuppress(),
        "revive" => new FwRevive(),
        "teardown" => new FwTeardown(),
        "heartbeat" => new FwHeartbeat(),
        "error" => new FwError(f.String("message_type"), f.String("field"), f.String("reason")),
        _ => null,
    };

    private static FwTaskInfo ReadTask(WireFields t) =>
        new(t.String("task_id"), t.OptionalString("name") ?? t.String("task_id"), t.StringList("argv"), t.StringMapOrEmpty("env"),
            t.Double("cpus"), t.Int("mem"), t.Has("disk") ? t.Int("disk") : 0,
            t.IntList("ports").Select((p, i) => p is >= 1 and <= 65535 ? (int)p
                : throw new ProtocolException($"message 'accept': field 'ports[{i}]' of task '{t.String("task_id")}' is not a port 1..65535", "accept", $"tasks.ports[{i}]")).ToList());

    private static void WriteOffer(ref MessagePackWriter w, FwOffer o)
    {
        w.WriteMapHeader(8);
        MessageCodec.Str(ref w, "offer_id", o.OfferId);
        MessageCodec.Str(ref w, "agent_id", o.AgentId);
        MessageCodec.Str(ref w, "hostname", o.Hostname);
        w.WriteString("attributes"); MessagePackFields.WriteStringMap(ref w, o.Attributes);
        w.WriteString("cpus"); w.WriteDouble(o.Cpus);
        w.WriteString("mem"); w.WriteInt64(o.Mem);
        w.WriteString("disk"); w.WriteInt64(o.Disk);
        w.WriteString("ports");
        w.WriteArrayHeader(o.Ports.Count);
        foreach (var (begin, end) in o.Ports)
        {
            w.WriteArrayHeader(2);
            w.WriteInt64(begin);
            w.WriteInt64(end);
        }
    }

    private static void WriteTask(ref MessagePackWriter w, FwTaskInfo t)
    {
        w.WriteMapHeader(8);
        MessageCodec.Str(ref w, "task_id", t.TaskId);
        MessageCodec.Str(ref w, "name", t.Name);
        MessageCodec.List(ref w, "argv", t.Argv);
        w.WriteString("env"); MessagePackFields.WriteStringMap(ref w, t.Env);
        w.WriteString("cpus"); w.WriteDouble(t.Cpus);
        w.WriteString("mem"); w.WriteInt64(t.Mem);
        w.WriteString("disk"); w.WriteInt64(t.Disk);
        w.WriteString("ports");
        w.WriteArrayHeader(t.Ports.Count);
        foreach (var p in t.Ports) w.WriteInt64(p);
    }

    private static void OptionalDouble(ref MessagePackWriter w, double? value)
    {
        if (value is { } v) w.WriteDouble(v);
        else w.WriteNil();
    }
}
