using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>The role-weights section of a state snapshot (format 4): [[role, weight], ...] in role order.</summary>
internal static class RoleWeightSection
{
    public static void Write(ref MessagePackWriter w, ClusterState state)
    {
        w.WriteArrayHeader(state.RoleWeights.Count);
        foreach (var (role, weight) in state.RoleWeights)
        {
            w.WriteArrayHeader(2);
            w.WriteString(role);
            w.WriteDouble(weight);
        }
    }

    public static List<KeyValuePair<string, double>> Read(ref MessagePackReader r)
    {
        var weights = new List<KeyValuePair<string, double>>();
        for (var n = r.ReadArrayHeader(); n > 0; n--)
        {
            if (r.ReadArrayHeader() != 2) throw new ProtocolException("state snapshot: a role weight entry does not have 2 fields");
            var role = MessagePackFields.RequiredString(ref r, "state snapshot");
            var weight = r.ReadDouble();
            if (RoleRules.WeightProblem(weight) is { } problem) throw new ProtocolException($"state snapshot: role '{role}' weight {weight} {problem}");
            weights.Add(new(role, weight));
        }
        return weights;
    }
}
