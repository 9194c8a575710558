using System.Buffers;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Application messages to and from MessagePack maps (field names in docs/protocol.md).</summary>
internal static class MessageCodec
{
    public static byte[] Encode(WireMessage message)
    {
        if (message is RaftEnvelope raft) return Raft.RaftMessageCodec.Encode(raft.Message);
        if (message is Raft.RaftChunk chunk) return Raft.RaftChunkCodec.Encode(chunk);
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new MessagePackWriter(buffer);
        switch (message)
        {
            case RegisterAgent m:
                Header(ref w, m, 8 + (m.Ports is null ? 0 : 1) + (m.Tasks is null ? 0 : 2) + (m.AllowedUsers is null ? 0 : 1));
                Str(ref w, "agent_id", m.AgentId);
                Str(ref w, "hostname", m.Hostname);
                w.WriteString("cpus"); w.WriteDouble(m.Cpus);
                w.WriteString("mem"); w.WriteInt64(m.Mem);
                w.WriteString("disk"); w.WriteInt64(m.Disk);
                Map(ref w, "attributes", m.Attributes);
                List(ref w, "isolation_missing", m.IsolationMissing);
                if (m.Ports is not null) Str(ref w, "ports", m.Ports.ToString());
                if (m.AllowedUsers is not null) List(ref w, "allowed_users", m.AllowedUsers);
                if (m.Tasks is not null)
                {
                    List(ref w, "tasks", m.Tasks);
                    List(ref w, "running", m.Running ?? []);
                }
                break;
            case AgentRegistered m:
                Header(ref w, m, 2);
                Str(ref w, "agent_id", m.AgentId);
                break;
            case NotLeader m:
                Header(ref w, m, 2);
                Str(ref w, "leader", m.Leader);
                break;
            case LaunchTask m:
                Header(ref w, m, 7 + (m.User is null ? 0 : 1) + (m.Network is null ? 0 : 1) + (m.Rootfs is null ? 0 : 1) + (m.Binds is null ? 0 : 1)
                    + (m.HealthChecks is null ? 0 : 1) + (m.Fetch is null ? 0 : 1) + (m.Image is null ? 0 : 5));
                Str(ref w, "task_id", m.TaskId);
                Str(ref w, "name", m.Name);
                List(ref w, "argv", m.Image is null ? m.Argv : []);
                if (m.Image is { } image)
                {
                    Str(ref w, "image", image.Reference);
                    Str(ref w, "image_style", image.Style == Core.Images.ImageCommandStyle.Mesos ? "mesos" : "docker");
                    w.WriteString("image_shell"); w.WriteBoolean(image.Shell);
                    w.WriteString("image_force_pull"); w.WriteBoolean(image.ForcePull);
                    List(ref w, "image_args", m.Argv);
                }
                Map(ref w, "env", m.Env);
                w.WriteString("cpus"); w.WriteDouble(m.Cpus);
                w.WriteString("mem"); w.WriteInt64(m.Mem);
                if (m.HealthChecks is { } checks) HealthWire.WriteChecks(ref w, "health_checks", checks);
                if (m.User is not null) Str(ref w, "user", m.User);
                if (m.Network is not null) Str(ref w, "network", m.Network);
                if (m.Rootfs is not null) Str(ref w, "rootfs", m.Rootfs);
                if (m.Binds is not null) Map(ref w, "binds", m.Binds);
                if (m.Fetch is not null) WriteFetch(ref w, m.Fetch);
                break;
            case KillTask m:
                Header(ref w, m, 3);
                Str(ref w, "task_id", m.TaskId);
                w.WriteString("grace_ms"); w.WriteInt64(m.GraceMs);
                break;
            case StatusUpdate m:
                Header(ref w, m, 7);
                Str(ref w, "update_id", m.UpdateId);
                Str(ref w, "task_id", m.TaskId);
                Str(ref w, "state", m.State);
                w.WriteString("exit_code"); OptionalInt(ref w, m.ExitCode);
                w.WriteString("signal"); OptionalInt(ref w, m.Signal);
                Str(ref w, "message", m.Message);
                break;
            case StatusAck m:
                Header(ref w, m, 2);
                Str(ref w, "update_id", m.UpdateId);
                break;
            case LogRead m:
                Header(ref w, m, 6);
                w.WriteString("req"); w.WriteInt64(m.RequestId);
                Str(ref w, "task_id", m.TaskId);
                Str(ref w, "stream", m.Stream);
                w.WriteString("offset"); w.WriteInt64(m.Offset);
                w.WriteString("max"); w.WriteInt64(m.Max);
                break;
            case LogData m:
                Header(ref w, m, 5);
                w.WriteString("req"); w.WriteInt64(m.RequestId);
                w.WriteString("data"); w.WriteBinary(m.Data);
                w.WriteString("offset"); w.WriteInt64(m.Offset);
                Str(ref w, "error", m.Error);
                break;
            case MasterHello m:
                Header(ref w, m, 4);
                Str(ref w, "cluster_address", m.ClusterAddress);
                Str(ref w, "api_url", m.ApiUrl);
                List(ref w, "known", m.Known);
                break;
            case Ping m:
                Header(ref w, m, m.DiskFreeMb is not null && m.DiskTotalMb is not null ? 4 : 2);
                w.WriteString("seq"); w.WriteInt64(m.Sequence);
                if (m.DiskFreeMb is { } free && m.DiskTotalMb is { } total)
                {
                    w.WriteString("disk_free_mb"); w.WriteInt64(free);
                    w.WriteString("disk_total_mb"); w.WriteInt64(total);
                }
                break;
            case Pong m:
                Header(ref w, m, 2);
                w.WriteString("seq"); w.WriteInt64(m.Sequence);
                break;
            case HealthReport m:
                HealthWire.WriteReport(ref w, m);
                break;
            case ServiceTableUpdate m:
                ServiceTableCodec.Write(ref w, m);
                break;
            case MeshStatus m:
                Header(ref w, m, 4);
                w.WriteString("listening"); w.WriteInt64(m.Listening);
                w.WriteString("version"); w.WriteInt64(m.TableVersion);
                Map(ref w, "unbound", m.Unbound);
                break;
            default:
                if (FrameworkMessageCodec.TryEncode(ref w, message)) break;
                throw new ArgumentException($"cannot encode {message.GetType().Name}", nameof(message));
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one message; throws <see cref="ProtocolException"/> naming the bad field.</summary>
    public static WireMessage Decode(ReadOnlySpan<byte> payload, MessagePackLimits limits)
    {
        if (IsRaft(payload, limits)) return new RaftEnvelope(Raft.RaftMessageCodec.Decode(payload, limits));
        WireFields f;
        try
        {
            f = WireFields.Read(payload, limits);
        }
        catch (MessagePackException e)
        {
            throw new ProtocolException($"malformed message: {e.Message}");
        }
        return f.MessageType switch
        {
            "register" => new RegisterAgent(f.String("agent_id"), f.String("hostname"), f.Double("cpus"), f.Int("mem"), f.Int("disk"),
                f.StringMap("attributes"), f.StringList("isolation_missing"), IsolationFieldsCodec.ParsePorts(f.OptionalString("ports"), "register"),
                f.OptionalStringList("tasks"), f.OptionalStringList("running"), f.OptionalStringList("allowed_users")),
            "registered" => new AgentRegistered(f.String("agent_id")),
            "not_leader" => new NotLeader(f.String("leader")),
            "launch" => ReadLaunch(f),
            "kill" => new KillTask(f.String("task_id"), f.Int("grace_ms")),
            "status" => new StatusUpdate(f.String("update_id"), f.String("task_id"), f.String("state"),
                f.OptionalInt32("exit_code"), f.OptionalInt32("signal"), f.OptionalString("message")),
            "status_ack" => new StatusAck(f.String("update_id")),
            "log_read" => new LogRead(f.Int("req"), f.String("task_id"), f.String("stream"), f.Int("offset"), f.Int32("max")),
            "log_data" => new LogData(f.Int("req"), f.Binary("data"), f.Int("offset"), f.OptionalString("error")),
            "master_hello" => new MasterHello(f.String("cluster_address"), f.String("api_url"), f.StringList("known")),
            "ping" => new Ping(f.Int("seq"), f.OptionalInt("disk_free_mb"), f.OptionalInt("disk_total_mb")),
            "pong" => new Pong(f.Int("seq")),
            "health" => HealthWire.ReadReport(f),
            "services" => ServiceTableCodec.Read(f),
            "mesh_status" => new MeshStatus(f.Int32("listening"), f.Int("version"), f.StringMap("unbound")),
            Raft.RaftChunk.MessageType => Raft.RaftChunkCodec.Read(f),
            var other => FrameworkMessageCodec.Decode(f) ?? new UnknownMessage(other),
        };
    }

    private static LaunchTask ReadLaunch(WireFields f)
    {
        var reference = f.OptionalString("image");
        var image = reference is null ? null : new Core.Model.TaskImage(reference,
            f.OptionalString("image_style") == "mesos" ? Core.Images.ImageCommandStyle.Mesos : Core.Images.ImageCommandStyle.Docker,
            f.OptionalBool("image_shell") ?? false, f.OptionalBool("image_force_pull") ?? false);
        return new LaunchTask(f.String("task_id"), f.String("name"), image is null ? f.StringList("argv") : f.OptionalStringList("image_args") ?? [],
            f.StringMap("env"), f.Double("cpus"), f.Int("mem"),
            f.OptionalString("user"), f.OptionalString("network"), f.OptionalString("rootfs"), f.OptionalStringMap("binds"),
            HealthWire.ReadChecks(f, "health_checks"), ReadFetch(f), image);
    }

    /// <summary>Raft messages (the bulk of master-to-master traffic) have their own positional decoder: route by "t" first.</summary>
    private static bool IsRaft(ReadOnlySpan<byte> payload, MessagePackLimits limits)
    {
        try
        {
            var r = new MessagePackReader(payload, limits);
            if (r.PeekType() != MessagePackType.Map) return false;
            for (var n = r.ReadMapHeader(); n > 0; n--)
            {
                if (r.PeekType() == MessagePackType.String && r.ReadString() == "t")
                    return r.PeekType() == MessagePackType.String && r.ReadString() == "raft";
                r.Skip();
            }
            return false;
        }
        catch (MessagePackException)
        {
            return false; // the general decoder reports what is wrong
        }
    }

    internal static void Header(ref MessagePackWriter w, WireMessage m, int fields)
    {
        w.WriteMapHeader(fields);
        w.WriteString("t");
        w.WriteString(m.Type);
    }

    internal static void Str(ref MessagePackWriter w, string key, string? value)
    {
        w.WriteString(key);
        w.WriteString(value);
    }

    private static void OptionalInt(ref MessagePackWriter w, int? value)
    {
        if (value is { } v) w.WriteInt64(v);
        else w.WriteNil();
    }

    internal static void List(ref MessagePackWriter w, string key, IReadOnlyList<string> values)
    {
        w.WriteString(key);
        w.WriteArrayHeader(values.Count);
        foreach (var value in values) w.WriteString(value);
    }

    private static void Map(ref MessagePackWriter w, string key, IReadOnlyDictionary<string, string> values)
    {
        w.WriteString(key);
        w.WriteMapHeader(values.Count);
        foreach (var (k, v) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(k);
            w.WriteString(v);
        }
    }

    /// <summary>A launch's "fetch": [{uri, extract, executable, cache(, dest_path)}, ...].</summary>
    private static void WriteFetch(ref MessagePackWriter w, IReadOnlyList<Core.Fetch.FetchUri> fetch)
    {
        w.WriteString("fetch");
        w.WriteArrayHeader(fetch.Count);
        foreach (var f in fetch)
        {
            w.WriteMapHeader(f.DestPath is null ? 4 : 5);
            Str(ref w, "uri", f.Uri);
            w.WriteString("extract"); w.WriteBoolean(f.Extract);
            w.WriteString("executable"); w.WriteBoolean(f.Executable);
            w.WriteString("cache"); w.WriteBoolean(f.Cache);
            if (f.DestPath is not null) Str(ref w, "dest_path", f.DestPath);
        }
    }

    private static IReadOnlyList<Core.Fetch.FetchUri>? ReadFetch(WireFields f) =>
        f.OptionalMapList("fetch")?.Select(u => new Core.Fetch.FetchUri(u.String("uri"), u.OptionalBool("extract") ?? true,
            u.OptionalBool("executable") ?? false, u.OptionalBool("cache") ?? false, u.OptionalString("dest_path"))).ToList();
}
