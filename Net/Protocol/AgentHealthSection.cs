using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>The agent-health section of a state snapshot: [agentId, unreachableSinceMs|nil, drainGraceMs|nil] per agent that has either.</summary>
internal static class AgentHealthSection
{
    private static readonly RecordVersions Versions = new("agent health entry", 3);

    public static void Write(ref MessagePackWriter w, ClusterState state)
    {
        var entries = state.UnreachableSince.Keys.Union(state.DrainGraceMs.Keys).Order(StringComparer.Ordinal)
            .Select(id => (id, Since: Optional(state.UnreachableSince, id), Grace: Optional(state.DrainGraceMs, id))).ToList();
        MessagePackFields.WriteList(ref w, entries, (ref MessagePackWriter w, (string Id, long? Since, long? Grace) e) =>
        {
            Versions.WriteHeader(ref w, 1);
            w.WriteString(e.Id);
            MessagePackFields.WriteOptionalInt(ref w, e.Since);
            MessagePackFields.WriteOptionalInt(ref w, e.Grace);
        });
    }

    public static List<(string, long?, long?)> Read(ref MessagePackReader r) => MessagePackFields.ReadList(ref r, (ref MessagePackReader r) =>
    {
        Versions.ReadHeader(ref r);
        return (MessagePackFields.RequiredString(ref r, "state snapshot"), MessagePackFields.ReadOptionalLong(ref r), MessagePackFields.ReadOptionalLong(ref r));
    });

    private static long? Optional(IReadOnlyDictionary<string, long> values, string id) => values.TryGetValue(id, out var value) ? value : null;
}
