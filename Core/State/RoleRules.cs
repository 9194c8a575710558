using MiniMesos.Core.Text;

namespace MiniMesos.Core.State;

/// <summary>
/// What a role name and a role weight may be: the same rules for a framework's subscribe, PUT /v1/roles and the
/// replicated command (so a bad entry is refused identically on every master).
/// </summary>
internal static class RoleRules
{
    public const string DefaultRole = "*";
    public const double DefaultWeight = 1.0;

    /// <summary>A role may be entitled to at most this many times the share of a weight-1 role.</summary>
    public const double MaxWeight = 1000;

    /// <summary>Null when the name is acceptable, else why not.</summary>
    public static string? RoleProblem(string? role) =>
        string.IsNullOrWhiteSpace(role) || role.Length > 64 || CharChecks.Any(role, c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? "must be 1..64 characters without spaces ('*' is the default role)"
            : null;

    /// <summary>Null when the weight is acceptable, else why not.</summary>
    public static string? WeightProblem(double weight) =>
        double.IsFinite(weight) && weight > 0 && weight <= MaxWeight ? null : $"must be a number greater than 0 and at most {MaxWeight}";
}
