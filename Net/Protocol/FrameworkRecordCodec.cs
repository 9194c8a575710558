using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A <see cref="FrameworkRecord"/>, [id, name, role, failoverTimeoutSeconds, registeredAtMs], in the RegisterFramework
/// command ([atMs, framework]) and in the snapshot's frameworks section: [frameworks, links] (links: taskId -> frameworkId).
/// </summary>
internal static class FrameworkRecordCodec
{
    private const string What = "framework";

    public static readonly RecordVersions Versions = new(What, 5);

    public static void Write(ref MessagePackWriter w, FrameworkRecord f)
    {
        Versions.WriteHeader(ref w, 1);
        w.WriteString(f.Id);
        w.WriteString(f.Name);
        w.WriteString(f.Role);
        w.WriteDouble(f.FailoverTimeoutSeconds);
        w.WriteInt64(f.RegisteredAtMs);
    }

    public static FrameworkRecord Read(ref MessagePackReader r)
    {
        Versions.ReadHeader(ref r);
        return new FrameworkRecord(MessagePackFields.RequiredString(ref r, What), MessagePackFields.RequiredString(ref r, What),
            MessagePackFields.RequiredString(ref r, What), r.ReadDouble(), r.ReadInt64());
    }

    public static void WriteSection(ref MessagePackWriter w, ClusterState state)
    {
        w.WriteArrayHeader(2);
        MessagePackFields.WriteList(ref w, state.Frameworks.Values.OrderBy(f => f.Id, StringComparer.Ordinal).ToList(), Write);
        MessagePackFields.WriteStringMap(ref w, state.TaskFrameworks);
    }

    public static (List<FrameworkRecord> Frameworks, Dictionary<string, string> Links) ReadSection(ref MessagePackReader r)
    {
        if (r.ReadArrayHeader() != 2) throw new ProtocolException("state snapshot: expected frameworks section [frameworks, links]");
        return (MessagePackFields.ReadList(ref r, Read), MessagePackFields.ReadStringMap(ref r, "state snapshot"));
    }
}
