using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The isolation fields appended to older encodings (SubmitTask and AddAgent entries, snapshot records): a task's
/// [ports, user, network, rootfs, binds] and an agent's port range as text ("[31000-32000]", nil = the default range).
/// A task with placement constraints appends a sixth element, [[field, operator(, value)], ...]; without them the
/// array keeps its five elements, so older masters still read it.
/// </summary>
internal static class IsolationFieldsCodec
{
    public static void WriteTask(ref MessagePackWriter w, TaskSpec spec)
    {
        w.WriteArrayHeader(spec.Constraints is null ? 5 : 6);
        w.WriteInt64(spec.Ports);
        w.WriteString(spec.User);
        w.WriteString(spec.Network);
        w.WriteString(spec.Rootfs);
        if (spec.Binds is null) w.WriteNil();
        else MessagePackFields.WriteStringMap(ref w, spec.Binds);
        if (spec.Constraints is null) return;
        w.WriteArrayHeader(spec.Constraints.Count);
        foreach (var constraint in spec.Constraints) AppSpecCodec.WriteStrings(ref w, constraint);
    }

    public static TaskSpec ReadTask(ref MessagePackReader r, TaskSpec spec, string what)
    {
        var count = r.ReadArrayHeader();
        if (count is not (5 or 6)) throw new ProtocolException($"{what}: task isolation fields must be [ports, user, network, rootfs, binds(, constraints)]");
        var ports = r.ReadInt32();
        if (ports < 0) throw new ProtocolException($"{what}: negative port count {ports}");
        var (user, network, rootfs) = (r.ReadString(), r.ReadString(), r.ReadString());
        var binds = r.TryReadNil() ? null : MessagePackFields.ReadStringMap(ref r, what);
        List<IReadOnlyList<string>>? constraints = null;
        if (count == 6)
        {
            constraints = [];
            for (var n = r.ReadArrayHeader(); n > 0; n--)
                constraints.Add(AppSpecCodec.ReadStrings(ref r) ?? throw new ProtocolException($"{what}: a task constraint is nil"));
        }
        return spec with { Ports = ports, User = user, Network = network, Rootfs = rootfs, Binds = binds, Constraints = constraints };
    }

    public static void WritePorts(ref MessagePackWriter w, PortRanges? ports) => w.WriteString(ports?.ToString());

    public static PortRanges? ReadPorts(ref MessagePackReader r, string what) => ParsePorts(r.ReadString(), what);

    public static PortRanges? ParsePorts(string? text, string what)
    {
        if (text is null) return null;
        try
        {
            return PortRanges.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ProtocolException($"{what}: agent ports: {e.Message}");
        }
    }
}
