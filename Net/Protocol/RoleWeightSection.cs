using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>The role-weights section of a state snapshot (format 4): [[role, weight], ...] in role order.</summary>
internal static class RoleWeightSection
{
    private static readonly RecordVersions Versions = new("role weight entry", 2);

    public static void Write(ref MessagePackWriter w, ClusterState state) =>
        MessagePackFields.WriteList(ref w, state.RoleWeights.ToList(), (ref MessagePackWriter w, KeyValuePair<string, double> e) =>
        {
            Versions.WriteHeader(ref w, 1);
            w.WriteString(e.Key);
            w.WriteDouble(e.Value);
        });

    public static List<KeyValuePair<string, double>> Read(ref MessagePackReader r) => MessagePackFields.ReadList(ref r, (ref MessagePackReader r) =>
    {
        Versions.ReadHeader(ref r);
        var role = MessagePackFields.RequiredString(ref r, "state snapshot");
        var weight = r.ReadDouble();
        if (RoleRules.WeightProblem(weight) is { } problem) throw new ProtocolException($"state snapshot: role '{role}' weight {weight} {problem}");
        return new KeyValuePair<string, double>(role, weight);
    });
}
