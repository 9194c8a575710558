using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>The agent-health section of a state snapshot: [agentId, unreachableSinceMs|nil, drainGraceMs|nil] per agent that has either.</summary>
internal static class AgentHealthSection
{
    public static void Write(ref MessagePackWriter w, ClusterState state)
    {
        var ids = state.UnreachableSince.Keys.Union(state.DrainGraceMs.Keys).Order(StringComparer.Ordinal).ToList();
        w.WriteArrayHeader(ids.Count);
        foreach (var id in ids)
        {
            w.WriteArrayHeader(3);
            w.WriteString(id);
            WriteOptional(ref w, state.UnreachableSince, id);
            WriteOptional(ref w, state.DrainGraceMs, id);
        }
    }

    public static List<(string, long?, long?)> Read(ref MessagePackReader r)
    {
        var health = new List<(string, long?, long?)>();
        for (var n = r.ReadArrayHeader(); n > 0; n--)
        {
            if (r.ReadArrayHeader() != 3) throw new ProtocolException("state snapshot: an agent health entry does not have 3 fields");
            var id = MessagePackFields.RequiredString(ref r, "state snapshot");
            long? since = r.TryReadNil() ? null : r.ReadInt64();
            long? grace = r.TryReadNil() ? null : r.ReadInt64();
            health.Add((id, since, grace));
        }
        return health;
    }

    private static void WriteOptional(ref MessagePackWriter w, IReadOnlyDictionary<string, long> values, string id)
    {
        if (values.TryGetValue(id, out var value)) w.WriteInt64(value);
        else w.WriteNil();
    }
}
