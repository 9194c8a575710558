using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// An <see cref="AgentRecord"/>: [id, hostname, cpus, mem, disk, attributes, registeredAtMs(, ports)], ports as text
/// ("[31000-32000]", nil = the default range). Version 1 has 7 fields, version 2 appends the ports. The snapshot and
/// AgentRegistration write it as its own array (version 2); AddAgent writes the same fields inline after its atMs
/// (<see cref="AddAgent"/>), as masters always did.
/// </summary>
internal static class AgentRecordCodec
{
    private const string What = "agent";

    public static readonly RecordVersions Versions = new(What, 7, 8);

    public static void Write(ref MessagePackWriter w, AgentRecord agent)
    {
        Versions.WriteHeader(ref w, 2);
        WriteFields(ref w, agent, 2);
    }

    public static AgentRecord Read(ref MessagePackReader r) => ReadFields(ref r, Versions.ReadHeader(ref r));

    /// <summary>AddAgent: [atMs, the agent's fields]; version 2 (9 fields) for an agent that reported its port range.</summary>
    public static CommandFormat AddAgent(byte tag) => CommandFormat.Of<AddAgent>(tag, [8, 9], c => c.Agent.Ports is null ? 1 : 2,
        (ref MessagePackWriter w, AddAgent c, int v) => WriteFields(ref w, c.Agent, v),
        (ref MessagePackReader r, long at, int v) => new AddAgent(at, ReadFields(ref r, v)));

    /// <summary>AgentRegistration: [atMs, agent (version 2), known task ids, running task ids], the ids in ordinal order.</summary>
    public static CommandFormat Registration(byte tag) => CommandFormat.Of<AgentRegistration>(tag, 4,
        (ref MessagePackWriter w, AgentRegistration c, int _) =>
        {
            Write(ref w, c.Agent);
            MessagePackFields.WriteStrings(ref w, c.Report.Known.Order(StringComparer.Ordinal).ToList());
            MessagePackFields.WriteStrings(ref w, c.Report.Running.Order(StringComparer.Ordinal).ToList());
        },
        (ref MessagePackReader r, long at, int _) => new AgentRegistration(at, Read(ref r),
            new AgentReport(IdSet(ref r), IdSet(ref r))));

    private static HashSet<string> IdSet(ref MessagePackReader r) =>
        (MessagePackFields.ReadStrings(ref r, "command AgentRegistration") ?? []).ToHashSet(StringComparer.Ordinal);

    private static void WriteFields(ref MessagePackWriter w, AgentRecord agent, int version)
    {
        w.WriteString(agent.Id);
        w.WriteString(agent.Hostname);
        ResourcesCodec.Write(ref w, agent.Total);
        MessagePackFields.WriteStringMap(ref w, agent.Attributes);
        w.WriteInt64(agent.RegisteredAtMs);
        if (version >= 2) IsolationFieldsCodec.WritePorts(ref w, agent.Ports);
    }

    private static AgentRecord ReadFields(ref MessagePackReader r, int version)
    {
        var id = MessagePackFields.RequiredString(ref r, What);
        var hostname = MessagePackFields.RequiredString(ref r, What);
        var total = ResourcesCodec.Read(ref r);
        var attributes = MessagePackFields.ReadStringMap(ref r, What);
        var registeredAt = r.ReadInt64();
        return new AgentRecord(id, hostname, total, attributes, registeredAt, version >= 2 ? IsolationFieldsCodec.ReadPorts(ref r, What) : null);
    }
}
