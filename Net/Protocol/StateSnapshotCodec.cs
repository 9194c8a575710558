using System.Buffers;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The whole cluster state as a Raft snapshot: a version byte, then MessagePack [agents, tasks, apps, frameworks, agent health], each
/// record an array of its fields in declaration order. Version 2 added the apps section and uses a task's
/// reserved last field for [appId, appVersion]; version 3 adds the frameworks section [frameworks, links]
/// (<see cref="FrameworkCommandCodec"/>) and the agent health section ([agentId, unreachableSinceMs or nil, drainGraceMs or nil]
/// per agent that is unreachable or draining, <see cref="AgentHealthSection"/>). Versions 1 ([agents, tasks]) and 2
/// ([agents, tasks, apps]) are still read. Agents may append their port range and tasks [ports, user, network]
/// (IsolationFieldsCodec); records without them are read. Version 3 also has a jobs section: [[spec, run state], ...].
/// Version 4 appends the role weights section (<see cref="RoleWeightSection"/>); version 3 is still read (no weights).
/// Version 5 appends the cluster CA section (an empty array without a CA, else [certificate bin, sealed key bin]) and
/// the apps' older versions, [[appId, [app spec, ...]], ...]. It is written only once a CA exists or some app has older
/// versions (both need feature level 4 everywhere); otherwise the snapshot keeps version 4's bytes, which older masters read.
/// Version 5 may append the rotated agent secret (sealed bin) as a tenth section, and the admin secret's latest rotation
/// ([previous kid, new kid, sealed new secret, atMs]) as an eleventh (the tenth then nil without an agent secret).
/// </summary>
internal static class StateSnapshotCodec
{
    private const byte Version5 = 5;
    private const byte Version = 4;
    private const byte Version3 = 3;
    private const byte Version2 = 2;
    private const byte Version1 = 1;

    public static byte[] Encode(ClusterState state)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var history = state.AllAppVersions.Count > 0;
        var v5 = history || state.ClusterCa is not null || state.SealedAgentSecret is not null || state.AdminRotation is not null;
        buffer.Write([v5 ? Version5 : Version]);
        var w = new MessagePackWriter(buffer);
        // Format 5 has 9 sections, or 10 with the rotated agent secret (sealed) appended, or 11 with the admin secret's
        // latest rotation after it (the tenth then nil when there is no agent secret).
        w.WriteArrayHeader(v5 ? (state.AdminRotation is not null ? 11 : state.SealedAgentSecret is null ? 9 : 10) : 7);
        w.WriteArrayHeader(state.Agents.Count);
        foreach (var a in state.Agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            w.WriteArrayHeader(8);
            w.WriteString(a.Id);
            w.WriteString(a.Hostname);
            w.WriteDouble(a.Total.Cpus);
            w.WriteInt64(a.Total.MemMb);
            w.WriteInt64(a.Total.DiskMb);
            MessagePackFields.WriteStringMap(ref w, a.Attributes);
            w.WriteInt64(a.RegisteredAtMs);
            IsolationFieldsCodec.WritePorts(ref w, a.Ports);
        }
        w.WriteArrayHeader(state.Tasks.Count);
        foreach (var t in state.Tasks.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            w.WriteArrayHeader(16);
            w.WriteString(t.Id);
            w.WriteString(t.Spec.Name);
            w.WriteArrayHeader(t.Spec.Argv.Count);
            foreach (var arg in t.Spec.Argv) w.WriteString(arg);
            MessagePackFields.WriteStringMap(ref w, t.Spec.Env);
            w.WriteDouble(t.Spec.Resources.Cpus);
            w.WriteInt64(t.Spec.Resources.MemMb);
            w.WriteInt64(t.Spec.Resources.DiskMb);
            w.WriteInt64((int)t.State);
            w.WriteString(t.AgentId);
            w.WriteInt64(t.SubmittedAtMs);
            w.WriteInt64(t.UpdatedAtMs);
            MessagePackFields.WriteOptionalInt(ref w, t.ExitCode);
            MessagePackFields.WriteOptionalInt(ref w, t.Signal);
            w.WriteString(t.Message);
            if (t.Spec.AppId is null) w.WriteNil();
            else
            {
                w.WriteArrayHeader(2);
                w.WriteString(t.Spec.AppId);
                w.WriteString(t.Spec.AppVersion);
            }
            IsolationFieldsCodec.WriteTask(ref w, t.Spec);
        }
        w.WriteArrayHeader(state.Apps.Count);
        foreach (var app in state.Apps.Values.OrderBy(a => a.Id, StringComparer.Ordinal)) AppSpecCodec.Write(ref w, app);
        FrameworkCommandCodec.WriteSection(ref w, state);
        AgentHealthSection.Write(ref w, state);
        w.WriteArrayHeader(state.Jobs.Count);
        foreach (var job in state.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal).Select(j => j.Value))
        {
            w.WriteArrayHeader(2);
            JobCodec.WriteSpec(ref w, job.Spec);
            JobCodec.WriteState(ref w, job.State);
        }
        RoleWeightSection.Write(ref w, state);
        if (v5)
        {
            if (state.ClusterCa is { } ca)
            {
                w.WriteArrayHeader(2);
                w.WriteBinary(ca.Certificate);
                w.WriteBinary(ca.SealedKey);
            }
            else w.WriteArrayHeader(0);
            w.WriteArrayHeader(state.AllAppVersions.Count);
            foreach (var (appId, versions) in state.AllAppVersions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteArrayHeader(2);
                w.WriteString(appId);
                w.WriteArrayHeader(versions.Count);
                foreach (var spec in versions) AppSpecCodec.Write(ref w, spec);
            }
            if (state.SealedAgentSecret is { } agentSecret) w.WriteBinary(agentSecret);
            else if (state.AdminRotation is not null) w.WriteNil();
            if (state.AdminRotation is { } rotation)
            {
                w.WriteArrayHeader(4);
                w.WriteBinary(rotation.PreviousKeyId);
                w.WriteBinary(rotation.NewKeyId);
                w.WriteBinary(rotation.SealedNew);
                w.WriteInt64(rotation.AtMs);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void Restore(ClusterState state, ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length == 0 || snapshot[0] is not (Version5 or Version or Version3 or Version2 or Version1))
            throw new ProtocolException($"state snapshot format {(snapshot.Length == 0 ? "(empty)" : snapshot[0])} is not {Version1} to {Version5}: upgrade this master");
        var sections = snapshot[0] switch { Version5 => 9, Version => 7, Version3 => 6, Version2 => 3, _ => 2 };
        try
        {
            var r = new MessagePackReader(snapshot[1..], LargeMessageLimits.Reader);
            var count = r.ReadArrayHeader();
            var withAgentSecret = sections == 9 && count is 10 or 11;
            var withAdminRotation = sections == 9 && count == 11;
            if (count != sections && !withAgentSecret)
                throw new ProtocolException(sections switch
                {
                    9 => "state snapshot: expected [agents, tasks, apps, frameworks, agent health, jobs, role weights, cluster CA, app versions(, agent secret(, admin rotation))]",
                    7 => "state snapshot: expected [agents, tasks, apps, frameworks, agent health, jobs, role weights]",
                    6 => "state snapshot: expected [agents, tasks, apps, frameworks, agent health, jobs]",
                    3 => "state snapshot: expected [agents, tasks, apps]",
                    _ => "state snapshot: expected [agents, tasks]",
                });
            var agents = new List<AgentRecord>();
            for (var n = r.ReadArrayHeader(); n > 0; n--)
            {
                var agentFields = Expect(ref r, 7, 8, "agent");
                var agent = new AgentRecord(MessagePackFields.RequiredString(ref r, "state snapshot"), MessagePackFields.RequiredString(ref r, "state snapshot"), new Resources(r.ReadDouble(), r.ReadInt64(), r.ReadInt64()), MessagePackFields.ReadStringMap(ref r, "state snapshot"), r.ReadInt64());
                if (agentFields == 8) agent = agent with { Ports = IsolationFieldsCodec.ReadPorts(ref r, "state snapshot") };
                agents.Add(agent);
            }
            var tasks = new List<TaskRecord>();
            for (var n = r.ReadArrayHeader(); n > 0; n--)
            {
                var taskFields = Expect(ref r, 15, 16, "task");
                var id = MessagePackFields.RequiredString(ref r, "state snapshot");
                var name = MessagePackFields.RequiredString(ref r, "state snapshot");
                var argv = new List<string>();
                for (var c = r.ReadArrayHeader(); c > 0; c--) argv.Add(MessagePackFields.RequiredString(ref r, "state snapshot"));
                var spec = new TaskSpec(name, argv, MessagePackFields.ReadStringMap(ref r, "state snapshot"), new Resources(r.ReadDouble(), r.ReadInt64(), r.ReadInt64()));
                var taskState = (TaskState)r.ReadInt64();
                if (!Enum.IsDefined(taskState)) throw new ProtocolException($"state snapshot: task {id} has unknown state {(int)taskState}");
                var record = new TaskRecord(id, spec, taskState, r.ReadString(), r.ReadInt64(), r.ReadInt64(), MessagePackFields.ReadOptionalInt(ref r), MessagePackFields.ReadOptionalInt(ref r), r.ReadString());
                if (sections >= 3 && !r.TryReadNil())
                {
                    if (r.ReadArrayHeader() != 2) throw new ProtocolException($"state snapshot: task {id} has a malformed app link");
                    record = record with { Spec = spec with { AppId = r.ReadString(), AppVersion = r.ReadString() } };
                }
                else if (sections == 2) r.Skip();
                if (taskFields == 16) record = record with { Spec = IsolationFieldsCodec.ReadTask(ref r, record.Spec, "state snapshot") };
                tasks.Add(record);
            }
            var apps = new List<AppSpec>();
            if (sections >= 3)
            {
                for (var n = r.ReadArrayHeader(); n > 0; n--) apps.Add(AppSpecCodec.Read(ref r));
            }
            var frameworks = sections >= 6 ? FrameworkCommandCodec.ReadSection(ref r) : ([], []);
            var health = sections >= 6 ? AgentHealthSection.Read(ref r) : new List<(string, long?, long?)>();
            var jobs = new List<(JobSpec, JobState)>();
            if (sections >= 6)
            {
                for (var n = r.ReadArrayHeader(); n > 0; n--)
                {
                    Expect(ref r, 2, 2, "job");
                    jobs.Add((JobCodec.ReadSpec(ref r), JobCodec.ReadState(ref r)));
                }
            }
            var roleWeights = sections >= 7 ? RoleWeightSection.Read(ref r) : [];
            ClusterCaRecord? ca = null;
            var versions = new List<(string, List<AppSpec>)>();
            if (sections == 9)
            {
                if (r.ReadArrayHeader() is var caFields && caFields == 2) ca = new ClusterCaRecord(r.ReadBinary(), r.ReadBinary());
                else if (caFields != 0) throw new ProtocolException($"state snapshot: the cluster CA section has {caFields} fields, expected 0 or 2");
                for (var n = r.ReadArrayHeader(); n > 0; n--)
                {
                    Expect(ref r, 2, 2, "app versions");
                    var appId = MessagePackFields.RequiredString(ref r, "state snapshot");
                    var list = new List<AppSpec>();
                    for (var m = r.ReadArrayHeader(); m > 0; m--) list.Add(AppSpecCodec.Read(ref r));
                    versions.Add((appId, list));
                }
            }
            var sealedAgentSecret = !withAgentSecret ? null : r.TryReadNil() ? null : r.ReadBinary();
            AdminRotationRecord? adminRotation = null;
            if (withAdminRotation)
            {
                Expect(ref r, 4, 4, "admin rotation");
                adminRotation = new AdminRotationRecord(r.ReadBinary(), r.ReadBinary(), r.ReadBinary(), r.ReadInt64());
            }
            state.Restore(agents, tasks, apps, jobs);
            state.RestoreFrameworks(frameworks.Frameworks, frameworks.Links);
            state.RestoreAgentHealth(health);
            state.RestoreRoleWeights(roleWeights);
            state.RestoreClusterCa(ca);
            state.RestoreAgentSecret(sealedAgentSecret);
            state.RestoreAdminRotation(adminRotation);
            state.RestoreAppVersions(versions);
        }
        catch (MessagePackException e)
        {
            throw new ProtocolException($"state snapshot: {e.Message}");
        }
    }

    /// <summary>Reads a record's field count: the older count or the one with the isolation fields appended.</summary>
    private static int Expect(ref MessagePackReader r, int fields, int extended, string what)
    {
        var count = r.ReadArrayHeader();
        if (count != fields && count != extended) throw new ProtocolException($"state snapshot: {what} has {count} fields, expected {fields} or {extended}");
        return count;
    }

}
