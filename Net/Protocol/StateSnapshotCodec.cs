using System.Buffers;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The whole cluster state as a Raft snapshot: a format byte, then a MessagePack array of sections, each a list of
/// records written by the record's own codec (the same one the commands use). Formats, each appending sections:
/// 1 [agents, tasks] (a task's last field reserved); 2 + apps (that field becomes the app link); 3 + frameworks
/// (<see cref="FrameworkRecordCodec"/>), agent health (<see cref="AgentHealthSection"/>), jobs ([[spec, run state], ...]);
/// 4 + role weights (<see cref="RoleWeightSection"/>); 5 + the cluster CA (an empty array without one, else
/// [certificate, sealed key]) and the apps' older versions ([[appId, [app spec, ...]], ...]), then optionally the
/// rotated agent secret (sealed bin) as a tenth section and the admin secret's latest rotation ([previous kid, new kid,
/// sealed new secret, atMs]) as an eleventh (the tenth then nil without an agent secret). Every format is read. Format 5
/// is written only once a CA, an agent secret, an admin rotation or an app's history exists (each needs feature level 4
/// everywhere); otherwise the snapshot keeps format 4's bytes, which older masters read.
/// </summary>
internal static class StateSnapshotCodec
{
    private const string What = "state snapshot";
    private const byte Format4 = 4;
    private const byte Format5 = 5;

    /// <summary>The sections each format has (format 5: 9, or 10-11 with the secrets appended).</summary>
    private static readonly int[] Sections = [0, 2, 3, 6, 7, 9];

    private static readonly RecordVersions AdminRotationVersions = new("admin rotation", 4);

    public static byte[] Encode(ClusterState state)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var v5 = state.AllAppVersions.Count > 0 || state.ClusterCa is not null || state.SealedAgentSecret is not null || state.AdminRotation is not null;
        buffer.Write([v5 ? Format5 : Format4]);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(v5 ? (state.AdminRotation is not null ? 11 : state.SealedAgentSecret is null ? 9 : 10) : Sections[Format4]);
        MessagePackFields.WriteList(ref w, state.Agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList(), AgentRecordCodec.Write);
        MessagePackFields.WriteList(ref w, state.Tasks.Values.OrderBy(t => t.Id, StringComparer.Ordinal).ToList(), TaskRecordCodec.Write);
        MessagePackFields.WriteList(ref w, state.Apps.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList(), AppSpecCodec.Write);
        FrameworkRecordCodec.WriteSection(ref w, state);
        AgentHealthSection.Write(ref w, state);
        MessagePackFields.WriteList(ref w, state.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal).Select(j => j.Value).ToList(), JobCodec.WriteJob);
        RoleWeightSection.Write(ref w, state);
        if (!v5) return buffer.WrittenSpan.ToArray();
        if (state.ClusterCa is { } ca)
        {
            w.WriteArrayHeader(2);
            w.WriteBinary(ca.Certificate);
            w.WriteBinary(ca.SealedKey);
        }
        else w.WriteArrayHeader(0);
        MessagePackFields.WriteList(ref w, state.AllAppVersions.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList(),
            (ref MessagePackWriter w, KeyValuePair<string, List<AppSpec>> versions) =>
            {
                w.WriteArrayHeader(2);
                w.WriteString(versions.Key);
                MessagePackFields.WriteList(ref w, versions.Value, AppSpecCodec.Write);
            });
        if (state.SealedAgentSecret is { } agentSecret) w.WriteBinary(agentSecret);
        else if (state.AdminRotation is not null) w.WriteNil();
        if (state.AdminRotation is { } rotation)
        {
            AdminRotationVersions.WriteHeader(ref w, 1);
            w.WriteBinary(rotation.PreviousKeyId);
            w.WriteBinary(rotation.NewKeyId);
            w.WriteBinary(rotation.SealedNew);
            w.WriteInt64(rotation.AtMs);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void Restore(ClusterState state, ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length == 0 || snapshot[0] is < 1 or > Format5)
            throw new ProtocolException($"state snapshot format {(snapshot.Length == 0 ? "(empty)" : snapshot[0])} is not 1 to {Format5}: upgrade this master");
        var format = snapshot[0];
        try
        {
            var r = new MessagePackReader(snapshot[1..], LargeMessageLimits.Reader);
            var count = r.ReadArrayHeader();
            var sections = Sections[format];
            if (count != sections && !(format == Format5 && count is 10 or 11))
                throw new ProtocolException($"state snapshot: format {format} has {sections} sections{(format == Format5 ? " (or 10, 11)" : "")}, not {count}");
            var agents = MessagePackFields.ReadList(ref r, AgentRecordCodec.Read);
            var tasks = MessagePackFields.ReadList(ref r, format == 1 ? (RecordReader<TaskRecord>)TaskRecordCodec.ReadFormat1 : TaskRecordCodec.Read);
            var apps = format >= 2 ? MessagePackFields.ReadList(ref r, AppSpecCodec.Read) : [];
            var frameworks = format >= 3 ? FrameworkRecordCodec.ReadSection(ref r) : ([], []);
            var health = format >= 3 ? AgentHealthSection.Read(ref r) : [];
            var jobs = format >= 3 ? MessagePackFields.ReadList(ref r, JobCodec.ReadJob) : [];
            var roleWeights = format >= 4 ? RoleWeightSection.Read(ref r) : [];
            ClusterCaRecord? ca = null;
            var versions = new List<(string, List<AppSpec>)>();
            if (format == Format5)
            {
                if (r.ReadArrayHeader() is var caFields && caFields == 2) ca = new ClusterCaRecord(r.ReadBinary(), r.ReadBinary());
                else if (caFields != 0) throw new ProtocolException($"state snapshot: the cluster CA section has {caFields} fields, expected 0 or 2");
                versions = MessagePackFields.ReadList(ref r, ReadAppVersions);
            }
            var sealedAgentSecret = count < 10 || r.TryReadNil() ? null : r.ReadBinary();
            AdminRotationRecord? adminRotation = null;
            if (count == 11)
            {
                AdminRotationVersions.ReadHeader(ref r);
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

    private static (string, List<AppSpec>) ReadAppVersions(ref MessagePackReader r)
    {
        if (r.ReadArrayHeader() is var fields && fields != 2) throw new ProtocolException($"state snapshot: app versions has {fields} fields, expected 2");
        return (MessagePackFields.RequiredString(ref r, What), MessagePackFields.ReadList(ref r, AppSpecCodec.Read));
    }
}
