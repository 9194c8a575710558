using MiniMesos.Core.Model;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary><see cref="Resources"/> inline in an agent's or a task's fields: cpus (double), mem MB, disk MB.</summary>
internal static class ResourcesCodec
{
    public static void Write(ref MessagePackWriter w, Resources resources)
    {
        w.WriteDouble(resources.Cpus);
        w.WriteInt64(resources.MemMb);
        w.WriteInt64(resources.DiskMb);
    }

    public static Resources Read(ref MessagePackReader r) => new(r.ReadDouble(), r.ReadInt64(), r.ReadInt64());
}
