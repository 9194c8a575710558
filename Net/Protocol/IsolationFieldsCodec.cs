using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The isolation fields appended to older encodings (SubmitTask and AddAgent entries, snapshot records): a task's
/// [ports, user, network] and an agent's port range as text ("[31000-32000]", nil = the default range).
/// </summary>
internal static class IsolationFieldsCodec
{
    public static void WriteTask(ref MessagePackWriter w, TaskSpec spec)
    {
        w.WriteArrayHeader(3);
        w.WriteInt64(spec.Ports);
        w.WriteString(spec.User);
        w.WriteString(spec.Network);
    }

    public static TaskSpec ReadTask(ref MessagePackReader r, TaskSpec spec, string what)
    {
        if (r.ReadArrayHeader() != 3) throw new ProtocolException($"{what}: task isolation fields must be [ports, user, network]");
        var ports = r.ReadInt32();
        if (ports < 0) throw new ProtocolException($"{what}: negative port count {ports}");
        return spec with { Ports = ports, User = r.ReadString(), Network = r.ReadString() };
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
