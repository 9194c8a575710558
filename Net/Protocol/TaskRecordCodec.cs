using MiniMesos.Core.Model;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A snapshot's <see cref="TaskRecord"/>: [id, the spec's head (<see cref="TaskSpecCodec"/>), state, agentId,
/// submittedAtMs, updatedAtMs, exitCode, signal, message, app link] (version 1, 15 fields), + the spec's isolation
/// fields (version 2, 16; always written). In snapshot format 1 the app link's place was reserved (nil), and is skipped.
/// </summary>
internal static class TaskRecordCodec
{
    private const string What = "task";

    public static readonly RecordVersions Versions = new(What, 15, 16);

    public static void Write(ref MessagePackWriter w, TaskRecord t)
    {
        Versions.WriteHeader(ref w, 2);
        w.WriteString(t.Id);
        TaskSpecCodec.WriteHead(ref w, t.Spec);
        w.WriteInt64((int)t.State);
        w.WriteString(t.AgentId);
        w.WriteInt64(t.SubmittedAtMs);
        w.WriteInt64(t.UpdatedAtMs);
        MessagePackFields.WriteOptionalInt(ref w, t.ExitCode);
        MessagePackFields.WriteOptionalInt(ref w, t.Signal);
        w.WriteString(t.Message);
        TaskSpecCodec.WriteAppLink(ref w, t.Spec);
        IsolationFieldsCodec.WriteTask(ref w, t.Spec);
    }

    public static TaskRecord Read(ref MessagePackReader r) => Read(ref r, appLink: true);

    /// <summary>Snapshot format 1: the app link's place is reserved.</summary>
    public static TaskRecord ReadFormat1(ref MessagePackReader r) => Read(ref r, appLink: false);

    private static TaskRecord Read(ref MessagePackReader r, bool appLink)
    {
        var version = Versions.ReadHeader(ref r);
        var id = MessagePackFields.RequiredString(ref r, What);
        var spec = TaskSpecCodec.ReadHead(ref r);
        var state = TaskStatusCodec.ReadState(ref r);
        var record = new TaskRecord(id, spec, state, r.ReadString(), r.ReadInt64(), r.ReadInt64(), MessagePackFields.ReadOptionalInt(ref r),
            MessagePackFields.ReadOptionalInt(ref r), r.ReadString());
        if (appLink) record = record with { Spec = TaskSpecCodec.ReadAppLink(ref r, record.Spec) };
        else r.Skip();
        if (version == 2) record = record with { Spec = IsolationFieldsCodec.ReadTask(ref r, record.Spec, What) };
        return record;
    }
}
