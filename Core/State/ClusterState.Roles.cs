namespace MiniMesos.Core.State;

/// <summary>Role weights set by the operator (PUT /v1/roles/ROLE); a role not listed has weight 1.</summary>
internal sealed partial class ClusterState
{
    private readonly SortedDictionary<string, double> _roleWeights = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, double> RoleWeights => _roleWeights;

    public double RoleWeight(string role) => _roleWeights.GetValueOrDefault(role, RoleRules.DefaultWeight);

    private bool ApplyRoleWeight(PutRoleWeight c)
    {
        if (RoleRules.RoleProblem(c.Role) is not null || RoleRules.WeightProblem(c.Weight) is not null) return false;
        _roleWeights[c.Role] = c.Weight;
        return true;
    }

    /// <summary>Replaces the role weights with a snapshot's (empty for a snapshot written before role weights).</summary>
    public void RestoreRoleWeights(IEnumerable<KeyValuePair<string, double>> weights)
    {
        _roleWeights.Clear();
        foreach (var (role, weight) in weights) _roleWeights[role] = weight;
    }
}
