using System.Buffers;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Cluster commands as replicated log entries: one tag byte, one format-version byte, then a MessagePack
/// array of the fields. The tag lets a master refuse a command type it does not know instead of
/// misreading it (mixed-version clusters); tags are never reused.
/// </summary>
internal static class CommandCodec
{
    public const byte Version = 1;

    private enum Tag : byte
    {
        AddAgent = 1,
        RemoveAgent = 2,
        SubmitTask = 3,
        AssignTask = 4,
        UpdateTaskStatus = 5,
        PutApp = 6,
        RemoveApp = 7,
        RegisterFramework = 17,
        RemoveFramework = 18,
        LinkTask = 19,
        MarkAgentUnreachable = 12,
        SetAgentDrain = 13,
        RemoveAgentGone = 14,
        PutJob = 8,
        RemoveJob = 9,
        PutJobState = 10,
        PutRoleWeight = 23,
        LaunchTasks = 20,
        UpdateTaskStatuses = 21,
        AgentRegistration = 24,
        ReplaceState = 25,
        SetClusterCa = 26,
        SetAgentSecret = 27,
        SetAdminSecret = 28,
    }

    public static byte[] Encode(ClusterCommand command)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var tag = command switch
        {
            AddAgent => Tag.AddAgent,
            RemoveAgent => Tag.RemoveAgent,
            SubmitTask => Tag.SubmitTask,
            AssignTask => Tag.AssignTask,
            UpdateTaskStatus => Tag.UpdateTaskStatus,
            PutApp => Tag.PutApp,
            RemoveApp => Tag.RemoveApp,
            RegisterFramework => Tag.RegisterFramework,
            RemoveFramework => Tag.RemoveFramework,
            LinkTask => Tag.LinkTask,
            MarkAgentUnreachable => Tag.MarkAgentUnreachable,
            SetAgentDrain => Tag.SetAgentDrain,
            RemoveAgentGone => Tag.RemoveAgentGone,
            PutJob => Tag.PutJob,
            RemoveJob => Tag.RemoveJob,
            PutJobState => Tag.PutJobState,
            PutRoleWeight => Tag.PutRoleWeight,
            LaunchTasks => Tag.LaunchTasks,
            UpdateTaskStatuses => Tag.UpdateTaskStatuses,
            AgentRegistration => Tag.AgentRegistration,
            ReplaceState => Tag.ReplaceState,
            SetClusterCa => Tag.SetClusterCa,
            SetAgentSecret => Tag.SetAgentSecret,
            SetAdminSecret => Tag.SetAdminSecret,
            _ => throw new ArgumentException($"no tag for {command.GetType().Name}", nameof(command)),
        };
        buffer.Write([(byte)tag, Version]);
        var w = new MessagePackWriter(buffer);
        switch (command)
        {
            case AddAgent c:
                // An agent that reported its port range adds [ports] (9 fields); older entries have 8.
                w.WriteArrayHeader(c.Agent.Ports is null ? 8 : 9);
                w.WriteInt64(c.AtMs);
                WriteAgentFields(ref w, c.Agent);
                if (c.Agent.Ports is not null) IsolationFieldsCodec.WritePorts(ref w, c.Agent.Ports);
                break;
            case AgentRegistration c:
                // [atMs, [id, hostname, cpus, mem, disk, attributes, registeredAt, ports or nil], known ids, running ids]
                w.WriteArrayHeader(4);
                w.WriteInt64(c.AtMs);
                w.WriteArrayHeader(8);
                WriteAgentFields(ref w, c.Agent);
                IsolationFieldsCodec.WritePorts(ref w, c.Agent.Ports);
                AppSpecCodec.WriteStrings(ref w, c.Report.Known.Order(StringComparer.Ordinal).ToList());
                AppSpecCodec.WriteStrings(ref w, c.Report.Running.Order(StringComparer.Ordinal).ToList());
                break;
            case RemoveAgent c:
                WriteAgentReason(ref w, c.AtMs, c.AgentId, c.Reason);
                break;
            case MarkAgentUnreachable c:
                WriteAgentReason(ref w, c.AtMs, c.AgentId, c.Reason);
                break;
            case RemoveAgentGone c:
                WriteAgentReason(ref w, c.AtMs, c.AgentId, c.Reason);
                break;
            case SetAgentDrain c:
                w.WriteArrayHeader(4);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.AgentId);
                w.WriteBoolean(c.Draining);
                w.WriteInt64(c.GraceMs);
                break;
            case SubmitTask c:
                WriteSubmit(ref w, c);
                break;
            case PutApp c:
                // [atMs, app(, true)]: the third field keeps the replaced version in the app's history (level 4).
                w.WriteArrayHeader(c.KeepVersion ? 3 : 2);
                w.WriteInt64(c.AtMs);
                AppSpecCodec.Write(ref w, c.App);
                if (c.KeepVersion) w.WriteBoolean(true);
                break;
            case RemoveApp c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.AppId);
                break;
            case PutJob c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                JobCodec.WriteSpec(ref w, c.Job);
                break;
            case RemoveJob c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.JobId);
                break;
            case PutJobState c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                JobCodec.WriteState(ref w, c.State);
                break;
            case AssignTask c:
                w.WriteArrayHeader(3);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.TaskId);
                w.WriteString(c.AgentId);
                break;
            case UpdateTaskStatus c:
                WriteStatus(ref w, c);
                break;
            case UpdateTaskStatuses c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                w.WriteArrayHeader(c.Updates.Count);
                foreach (var update in c.Updates) WriteStatus(ref w, update);
                break;
            case RegisterFramework or RemoveFramework or LinkTask:
                FrameworkCommandCodec.Write(ref w, command);
                break;
            case PutRoleWeight c:
                w.WriteArrayHeader(3);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.Role);
                w.WriteDouble(c.Weight);
                break;
            case LaunchTasks c:
                LaunchTasksCodec.Write(ref w, c);
                break;
            case ReplaceState c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                w.WriteBinary(c.State);
                break;
            case SetClusterCa c:
                w.WriteArrayHeader(3);
                w.WriteInt64(c.AtMs);
                w.WriteBinary(c.Ca.Certificate);
                w.WriteBinary(c.Ca.SealedKey);
                break;
            case SetAgentSecret c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                w.WriteBinary(c.Sealed);
                break;
            case SetAdminSecret c:
                w.WriteArrayHeader(6);
                w.WriteInt64(c.AtMs);
                w.WriteBinary(c.Rotation.PreviousKeyId);
                w.WriteBinary(c.Rotation.NewKeyId);
                w.WriteBinary(c.Rotation.SealedNew);
                w.WriteBinary(c.CaSealedKey);
                w.WriteBinary(c.SealedAgentSecret);
                break;
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a log entry; throws <see cref="ProtocolException"/> for an unknown tag or version, naming it.</summary>
    public static ClusterCommand Decode(ReadOnlySpan<byte> entry)
    {
        if (entry.Length < 2) throw new ProtocolException("command entry shorter than its 2-byte header");
        var tag = (Tag)entry[0];
        if (entry[1] != Version) throw new ProtocolException($"command tag {entry[0]} has format version {entry[1]}; this master reads version {Version}: upgrade it");
        try
        {
            // A restored state may be as large as a Raft snapshot; every other command fits the default limits.
            var r = new MessagePackReader(entry[2..], tag == Tag.ReplaceState ? LargeMessageLimits.Reader : null);
            var fields = r.ReadArrayHeader();
            ClusterCommand command = tag switch
            {
                Tag.AddAgent when fields is 8 or 9 => ReadAddAgent(ref r, fields == 9),
                Tag.AgentRegistration when fields == 4 => ReadRegisterAgent(ref r),
                Tag.RemoveAgent when fields == 3 => new RemoveAgent(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), MessagePackFields.RequiredString(ref r, "command")),
                Tag.SubmitTask when fields is 8 or 10 or 11 => ReadSubmit(ref r, fields),
                Tag.AssignTask when fields == 3 => new AssignTask(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), MessagePackFields.RequiredString(ref r, "command")),
                Tag.UpdateTaskStatus when fields == 6 => ReadStatus(ref r),
                Tag.UpdateTaskStatuses when fields == 2 => ReadStatuses(ref r),
                Tag.PutApp when fields is 2 or 3 => new PutApp(r.ReadInt64(), AppSpecCodec.Read(ref r), fields == 3 && r.ReadBoolean()),
                Tag.RemoveApp when fields == 2 => new RemoveApp(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command")),
                Tag.RegisterFramework => FrameworkCommandCodec.ReadRegister(ref r, fields),
                Tag.RemoveFramework => FrameworkCommandCodec.ReadRemove(ref r, fields),
                Tag.LinkTask => FrameworkCommandCodec.ReadLink(ref r, fields),
                Tag.MarkAgentUnreachable when fields == 3 => new MarkAgentUnreachable(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), MessagePackFields.RequiredString(ref r, "command")),
                Tag.RemoveAgentGone when fields == 3 => new RemoveAgentGone(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), MessagePackFields.RequiredString(ref r, "command")),
                Tag.SetAgentDrain when fields == 4 => new SetAgentDrain(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), r.ReadBoolean(), r.ReadInt64()),
                Tag.PutJob when fields == 2 => new PutJob(r.ReadInt64(), JobCodec.ReadSpec(ref r)),
                Tag.RemoveJob when fields == 2 => new RemoveJob(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command")),
                Tag.PutJobState when fields == 2 => new PutJobState(r.ReadInt64(), JobCodec.ReadState(ref r)),
                Tag.LaunchTasks => LaunchTasksCodec.Read(ref r, fields),
                Tag.ReplaceState when fields == 2 => new ReplaceState(r.ReadInt64(), r.ReadBinary()),
                Tag.SetClusterCa when fields == 3 => new SetClusterCa(r.ReadInt64(), new ClusterCaRecord(r.ReadBinary(), r.ReadBinary())),
                Tag.SetAgentSecret when fields == 2 => new SetAgentSecret(r.ReadInt64(), r.ReadBinary()),
                Tag.SetAdminSecret when fields == 6 => ReadAdminSecret(ref r),
                Tag.PutRoleWeight when fields == 3 => new PutRoleWeight(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), r.ReadDouble()),
                Tag.AddAgent or Tag.RemoveAgent or Tag.SubmitTask or Tag.AssignTask or Tag.UpdateTaskStatus or Tag.PutApp or Tag.RemoveApp
                    or Tag.MarkAgentUnreachable or Tag.RemoveAgentGone or Tag.SetAgentDrain or Tag.PutJob or Tag.RemoveJob or Tag.PutJobState
                    or Tag.PutRoleWeight or Tag.UpdateTaskStatuses or Tag.AgentRegistration or Tag.ReplaceState or Tag.SetClusterCa
                    or Tag.SetAgentSecret or Tag.SetAdminSecret =>
                    throw new ProtocolException($"command {tag} has {fields} fields"),
                _ => throw new ProtocolException($"unknown command tag {entry[0]}: written by a newer master? upgrade this one"),
            };
            if (!r.End) throw new ProtocolException($"command {tag}: trailing bytes");
            return command;
        }
        catch (MessagePackException e)
        {
            throw new ProtocolException($"command {tag}: {e.Message}");
        }
    }

    private static SetAdminSecret ReadAdminSecret(ref MessagePackReader r)
    {
        var atMs = r.ReadInt64();
        var rotation = new AdminRotationRecord(r.ReadBinary(), r.ReadBinary(), r.ReadBinary(), atMs);
        return new SetAdminSecret(atMs, rotation, r.ReadBinary(), r.ReadBinary());
    }

    private static void WriteAgentReason(ref MessagePackWriter w, long atMs, string agentId, string reason)
    {
        w.WriteArrayHeader(3);
        w.WriteInt64(atMs);
        w.WriteString(agentId);
        w.WriteString(reason);
    }

    private static void WriteStatus(ref MessagePackWriter w, UpdateTaskStatus c)
    {
        w.WriteArrayHeader(6);
        w.WriteInt64(c.AtMs);
        w.WriteString(c.TaskId);
        w.WriteInt64((int)c.State);
        MessagePackFields.WriteOptionalInt(ref w, c.ExitCode);
        MessagePackFields.WriteOptionalInt(ref w, c.Signal);
        w.WriteString(c.Message);
    }

    private static UpdateTaskStatus ReadStatus(ref MessagePackReader r) =>
        new(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), State(r.ReadInt64()), MessagePackFields.ReadOptionalInt(ref r),
            MessagePackFields.ReadOptionalInt(ref r), r.ReadString());

    /// <summary>[atMs, [update...]], each update the 6 fields of an UpdateTaskStatus entry.</summary>
    private static UpdateTaskStatuses ReadStatuses(ref MessagePackReader r)
    {
        var at = r.ReadInt64();
        var count = r.ReadArrayHeader();
        var updates = new List<UpdateTaskStatus>(Math.Min(count, 4096));
        for (var i = 0; i < count; i++)
        {
            var fields = r.ReadArrayHeader();
            if (fields != 6) throw new ProtocolException($"command UpdateTaskStatuses: update {i} has {fields} fields");
            updates.Add(ReadStatus(ref r));
        }
        return new UpdateTaskStatuses(at, updates);
    }

    /// <summary>A SubmitTask's fields; also each launch's task inside a LaunchTasks entry (see <see cref="LaunchTasksCodec"/>).</summary>
    internal static void WriteSubmit(ref MessagePackWriter w, SubmitTask c)
    {
        // An app's instance adds [appId, appVersion]; a one-shot task keeps the original 8 fields;
        // ports/user/network add an 11th field (after appId, appVersion, which may then be nil).
        var extended = c.Spec.HasIsolationFields;
        var linked = c.Spec.AppId is not null || extended;
        w.WriteArrayHeader(extended ? 11 : linked ? 10 : 8);
        w.WriteInt64(c.AtMs);
        w.WriteString(c.TaskId);
        w.WriteString(c.Spec.Name);
        w.WriteArrayHeader(c.Spec.Argv.Count);
        foreach (var arg in c.Spec.Argv) w.WriteString(arg);
        MessagePackFields.WriteStringMap(ref w, c.Spec.Env);
        w.WriteDouble(c.Spec.Resources.Cpus);
        w.WriteInt64(c.Spec.Resources.MemMb);
        w.WriteInt64(c.Spec.Resources.DiskMb);
        if (linked)
        {
            w.WriteString(c.Spec.AppId);
            w.WriteString(c.Spec.AppVersion);
        }
        if (extended) IsolationFieldsCodec.WriteTask(ref w, c.Spec);
    }

    private static AddAgent ReadAddAgent(ref MessagePackReader r, bool withPorts)
    {
        var at = r.ReadInt64();
        var id = MessagePackFields.RequiredString(ref r, "command");
        var hostname = MessagePackFields.RequiredString(ref r, "command");
        var total = new Resources(r.ReadDouble(), r.ReadInt64(), r.ReadInt64());
        var attributes = MessagePackFields.ReadStringMap(ref r, "command");
        var registeredAt = r.ReadInt64();
        var ports = withPorts ? IsolationFieldsCodec.ReadPorts(ref r, "command") : null;
        return new AddAgent(at, new AgentRecord(id, hostname, total, attributes, registeredAt, ports));
    }

    private static AgentRegistration ReadRegisterAgent(ref MessagePackReader r)
    {
        var at = r.ReadInt64();
        if (r.ReadArrayHeader() != 8) throw new ProtocolException("command AgentRegistration: the agent needs 8 fields");
        var id = MessagePackFields.RequiredString(ref r, "command");
        var hostname = MessagePackFields.RequiredString(ref r, "command");
        var total = new Resources(r.ReadDouble(), r.ReadInt64(), r.ReadInt64());
        var attributes = MessagePackFields.ReadStringMap(ref r, "command");
        var registeredAt = r.ReadInt64();
        var ports = IsolationFieldsCodec.ReadPorts(ref r, "command");
        var known = AppSpecCodec.ReadStrings(ref r) ?? [];
        var running = AppSpecCodec.ReadStrings(ref r) ?? [];
        return new AgentRegistration(at, new AgentRecord(id, hostname, total, attributes, registeredAt, ports),
            new AgentReport(known.ToHashSet(StringComparer.Ordinal), running.ToHashSet(StringComparer.Ordinal)));
    }

    internal static SubmitTask ReadSubmit(ref MessagePackReader r, int fields)
    {
        var at = r.ReadInt64();
        var id = MessagePackFields.RequiredString(ref r, "command");
        var name = MessagePackFields.RequiredString(ref r, "command");
        var argc = r.ReadArrayHeader();
        var argv = new List<string>(argc);
        for (var i = 0; i < argc; i++) argv.Add(MessagePackFields.RequiredString(ref r, "command"));
        var env = MessagePackFields.ReadStringMap(ref r, "command");
        var resources = new Resources(r.ReadDouble(), r.ReadInt64(), r.ReadInt64());
        var (appId, appVersion) = fields >= 10 ? (r.ReadString(), r.ReadString()) : (null, null);
        var spec = new TaskSpec(name, argv, env, resources, appId, appVersion);
        if (fields == 11) spec = IsolationFieldsCodec.ReadTask(ref r, spec, "command");
        return new SubmitTask(at, id, spec);
    }

    private static TaskState State(long value) =>
        Enum.IsDefined((TaskState)value) ? (TaskState)value : throw new ProtocolException($"unknown task state {value}");


    /// <summary>An agent record's fields shared by AddAgent and AgentRegistration: id, hostname, cpus, mem, disk, attributes, registered at.</summary>
    private static void WriteAgentFields(ref MessagePackWriter w, AgentRecord agent)
    {
        w.WriteString(agent.Id);
        w.WriteString(agent.Hostname);
        w.WriteDouble(agent.Total.Cpus);
        w.WriteInt64(agent.Total.MemMb);
        w.WriteInt64(agent.Total.DiskMb);
        MessagePackFields.WriteStringMap(ref w, agent.Attributes);
        w.WriteInt64(agent.RegisteredAtMs);
    }
}
