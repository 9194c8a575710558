using MiniMesos.Core.Allocation;
using MiniMesos.Core.Fetch;
using MiniMesos.Core.Model;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The isolation fields appended to older encodings (SubmitTask and AddAgent entries, snapshot records): a task's
/// [ports, user, network, rootfs, binds] and an agent's port range as text ("[31000-32000]", nil = the default range).
/// A task with placement constraints appends a sixth element, [[field, operator(, value)], ...]; without them the
/// array keeps its five elements, so older masters still read it. Level 4 appends, as far as the last one a task has:
/// its fetch URIs, [[uri, extract, executable, cache, destPath], ...] or nil (7 elements, the constraints then nil when
/// it has none); the image it runs from, [reference, style, shell, forcePull] (8 elements).
/// </summary>
internal static class IsolationFieldsCodec
{
    /// <summary>A task's isolation fields: [ports, user, network, rootfs, binds(, constraints(, fetch(, image)))], versions 1 to 4.</summary>
    public static readonly RecordVersions Versions = new("task isolation fields", 5, 6, 7, 8);

    /// <summary>A fetch URI: [uri, extract, executable, cache, destPath].</summary>
    private static readonly RecordVersions FetchVersions = new("fetch URI", 5);

    /// <summary>An image: [reference, style, shell, forcePull].</summary>
    private static readonly RecordVersions ImageVersions = new("task image", 4);

    /// <summary>Marathon-style constraints, [[field, operator(, value)], ...], or nil (tasks and apps alike).</summary>
    public static void WriteConstraints(ref MessagePackWriter w, IReadOnlyList<IReadOnlyList<string>>? constraints)
    {
        if (constraints is null) w.WriteNil();
        else MessagePackFields.WriteList(ref w, constraints, (ref MessagePackWriter w, IReadOnlyList<string> c) => MessagePackFields.WriteStrings(ref w, c));
    }

    /// <param name="nilAsEmpty">An app's constraint that is nil reads as empty (as masters always read it); a task's is refused.</param>
    public static List<IReadOnlyList<string>>? ReadConstraints(ref MessagePackReader r, string what, bool nilAsEmpty = false)
    {
        if (r.TryReadNil()) return null;
        var constraints = new List<IReadOnlyList<string>>();
        for (var n = r.ReadArrayHeader(); n > 0; n--)
            constraints.Add(MessagePackFields.ReadStrings(ref r, what) ?? (nilAsEmpty ? [] : throw new ProtocolException($"{what}: a constraint is nil")));
        return constraints;
    }

    public static void WriteTask(ref MessagePackWriter w, TaskSpec spec)
    {
        Versions.WriteHeader(ref w, spec.Image is not null ? 4 : spec.Fetch is not null ? 3 : spec.Constraints is null ? 1 : 2);
        w.WriteInt64(spec.Ports);
        w.WriteString(spec.User);
        w.WriteString(spec.Network);
        w.WriteString(spec.Rootfs);
        MessagePackFields.WriteOptionalMap(ref w, spec.Binds);
        if (spec.Constraints is null && spec.Fetch is null && spec.Image is null) return;
        WriteConstraints(ref w, spec.Constraints);
        if (spec.Fetch is null && spec.Image is null) return;
        if (spec.Fetch is not null) WriteFetch(ref w, spec.Fetch);
        else w.WriteNil();
        if (spec.Image is { } image) WriteImage(ref w, image);
    }

    public static void WriteFetch(ref MessagePackWriter w, IReadOnlyList<FetchUri> fetch)
    {
        MessagePackFields.WriteList(ref w, fetch, WriteFetchUri);
    }

    private static void WriteFetchUri(ref MessagePackWriter w, FetchUri f)
    {
        FetchVersions.WriteHeader(ref w, 1);
        w.WriteString(f.Uri);
        w.WriteBoolean(f.Extract);
        w.WriteBoolean(f.Executable);
        w.WriteBoolean(f.Cache);
        w.WriteString(f.DestPath);
    }

    public static List<FetchUri> ReadFetch(ref MessagePackReader r, string what)
    {
        var list = new List<FetchUri>();
        for (var n = r.ReadArrayHeader(); n > 0; n--)
        {
            FetchVersions.ReadHeader(ref r);
            list.Add(new FetchUri(MessagePackFields.RequiredString(ref r, what), r.ReadBoolean(), r.ReadBoolean(), r.ReadBoolean(), r.ReadString()));
        }
        return list;
    }

    public static void WriteImage(ref MessagePackWriter w, TaskImage image)
    {
        ImageVersions.WriteHeader(ref w, 1);
        w.WriteString(image.Reference);
        w.WriteInt64((int)image.Style);
        w.WriteBoolean(image.Shell);
        w.WriteBoolean(image.ForcePull);
    }

    public static TaskImage ReadImage(ref MessagePackReader r, string what)
    {
        ImageVersions.ReadHeader(ref r);
        var reference = MessagePackFields.RequiredString(ref r, what);
        var style = r.ReadInt64();
        if (!Enum.IsDefined((Core.Images.ImageCommandStyle)style)) throw new ProtocolException($"{what}: unknown image command style {style}");
        return new TaskImage(reference, (Core.Images.ImageCommandStyle)style, r.ReadBoolean(), r.ReadBoolean());
    }

    public static TaskSpec ReadTask(ref MessagePackReader r, TaskSpec spec, string what)
    {
        var count = Versions.Fields(Versions.ReadHeader(ref r));
        var ports = r.ReadInt32();
        if (ports < 0) throw new ProtocolException($"{what}: negative port count {ports}");
        var (user, network, rootfs) = (r.ReadString(), r.ReadString(), r.ReadString());
        var binds = MessagePackFields.ReadOptionalMap(ref r, what);
        var constraints = count >= 6 ? ReadConstraints(ref r, what) : null;
        var fetch = count >= 7 && !r.TryReadNil() ? ReadFetch(ref r, what) : null;
        var image = count == 8 ? ReadImage(ref r, what) : null;
        return spec with { Ports = ports, User = user, Network = network, Rootfs = rootfs, Binds = binds, Constraints = constraints, Fetch = fetch, Image = image };
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
