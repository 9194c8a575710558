using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Field arrays of the framework commands (tags 17-19 in <see cref="CommandCodec"/>) and of the snapshot's
/// frameworks section: [frameworks, links], a framework as [id, name, role, failoverTimeoutSeconds, registeredAtMs].
/// </summary>
internal static class FrameworkCommandCodec
{
    public static void Write(ref MessagePackWriter w, ClusterCommand command)
    {
        switch (command)
        {
            case RegisterFramework c:
                w.WriteArrayHeader(2);
                w.WriteInt64(c.AtMs);
                WriteFramework(ref w, c.Framework);
                break;
            case RemoveFramework c:
                w.WriteArrayHeader(3);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.FrameworkId);
                w.WriteString(c.Reason);
                break;
            case LinkTask c:
                w.WriteArrayHeader(3);
                w.WriteInt64(c.AtMs);
                w.WriteString(c.TaskId);
                w.WriteString(c.FrameworkId);
                break;
            default:
                throw new ArgumentException($"{command.GetType().Name} is not a framework command", nameof(command));
        }
    }

    public static RegisterFramework ReadRegister(ref MessagePackReader r, int fields)
    {
        if (fields != 2) throw new ProtocolException($"command RegisterFramework has {fields} fields");
        return new RegisterFramework(r.ReadInt64(), ReadFramework(ref r));
    }

    public static RemoveFramework ReadRemove(ref MessagePackReader r, int fields) => fields == 3
        ? new RemoveFramework(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), MessagePackFields.RequiredString(ref r, "command"))
        : throw new ProtocolException($"command RemoveFramework has {fields} fields");

    public static LinkTask ReadLink(ref MessagePackReader r, int fields) => fields == 3
        ? new LinkTask(r.ReadInt64(), MessagePackFields.RequiredString(ref r, "command"), MessagePackFields.RequiredString(ref r, "command"))
        : throw new ProtocolException($"command LinkTask has {fields} fields");

    public static void WriteSection(ref MessagePackWriter w, ClusterState state)
    {
        w.WriteArrayHeader(2);
        w.WriteArrayHeader(state.Frameworks.Count);
        foreach (var f in state.Frameworks.Values.OrderBy(f => f.Id, StringComparer.Ordinal)) WriteFramework(ref w, f);
        MessagePackFields.WriteStringMap(ref w, state.TaskFrameworks);
    }

    public static (List<FrameworkRecord> Frameworks, Dictionary<string, string> Links) ReadSection(ref MessagePackReader r)
    {
        if (r.ReadArrayHeader() != 2) throw new ProtocolException("state snapshot: expected frameworks section [frameworks, links]");
        var frameworks = new List<FrameworkRecord>();
        for (var n = r.ReadArrayHeader(); n > 0; n--) frameworks.Add(ReadFramework(ref r));
        return (frameworks, MessagePackFields.ReadStringMap(ref r, "state snapshot"));
    }

    private static void WriteFramework(ref MessagePackWriter w, FrameworkRecord f)
    {
        w.WriteArrayHeader(5);
        w.WriteString(f.Id);
        w.WriteString(f.Name);
        w.WriteString(f.Role);
        w.WriteDouble(f.FailoverTimeoutSeconds);
        w.WriteInt64(f.RegisteredAtMs);
    }

    private static FrameworkRecord ReadFramework(ref MessagePackReader r)
    {
        var count = r.ReadArrayHeader();
        if (count != 5) throw new ProtocolException($"framework record has {count} fields, expected 5");
        return new FrameworkRecord(MessagePackFields.RequiredString(ref r, "framework"), MessagePackFields.RequiredString(ref r, "framework"),
            MessagePackFields.RequiredString(ref r, "framework"), r.ReadDouble(), r.ReadInt64());
    }
}
