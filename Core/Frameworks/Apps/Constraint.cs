using System.Globalization;
using MiniMesos.Core.Frameworks.Apps.Patterns;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// One placement constraint, e.g. ["hostname","UNIQUE"] or ["rack","GROUP_BY","3"]. Evaluated against a
/// candidate placement and where the app's instances already are; answers with a reason, not a bool.
/// </summary>
internal sealed record Constraint(string Field, ConstraintOperator Operator, string? Value)
{
    /// <summary>
    /// LIKE/UNLIKE patterns are the user's, and every replica matches them when it applies a launch
    /// (ClusterState.AppInstances), so a match must take the same answer everywhere and bounded time:
    /// <see cref="ConstraintPattern"/> runs in time linear in the value, with no wall-clock timeout whose expiry
    /// would depend on how loaded a replica is. What it cannot run (backreferences, lookarounds, ...) is refused
    /// when the app is submitted. Compiled patterns are kept here (a few, cleared when full) rather than in the
    /// record, which keeps its equality structural.
    /// </summary>
    private static readonly Dictionary<string, ConstraintPattern> Compiled = new(StringComparer.Ordinal);

    private const int MaxCompiled = 256;

    public static readonly IReadOnlyDictionary<string, ConstraintOperator> Operators =
        new Dictionary<string, ConstraintOperator>(StringComparer.Ordinal)
        {
            ["UNIQUE"] = ConstraintOperator.Unique,
            ["CLUSTER"] = ConstraintOperator.Cluster,
            ["GROUP_BY"] = ConstraintOperator.GroupBy,
            ["LIKE"] = ConstraintOperator.Like,
            ["UNLIKE"] = ConstraintOperator.Unlike,
            ["MAX_PER"] = ConstraintOperator.MaxPer,
        };

    public string OperatorName => Operators.First(kv => kv.Value == Operator).Key;

    /// <summary>Parses a Marathon constraint triple; problems go to <paramref name="errors"/> with paths under <paramref name="path"/>.</summary>
    public static Constraint? Parse(IReadOnlyList<string>? parts, string path, List<ValidationError> errors)
    {
        if (parts is null || parts.Count is < 2 or > 3)
        {
            errors.Add(new ValidationError(path, "expected [field, operator] or [field, operator, value]"));
            return null;
        }
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(parts[0])) errors.Add(new ValidationError($"{path}[0]", "field must not be empty"));
        if (!Operators.TryGetValue(parts[1] ?? "", out var op))
        {
            errors.Add(new ValidationError($"{path}[1]", $"unknown operator '{parts[1]}' (expected one of {string.Join(", ", Operators.Keys)})"));
            return null;
        }
        var value = parts.Count == 3 ? parts[2] : null;
        switch (op)
        {
            case ConstraintOperator.Unique when value is not null:
                errors.Add(new ValidationError($"{path}[2]", "UNIQUE takes no value"));
                break;
            case ConstraintOperator.Like or ConstraintOperator.Unlike:
                if (value is null) errors.Add(new ValidationError(path, $"{parts[1]} needs a regular expression value"));
                else if (ConstraintPattern.Compile(value, out var why) is null) errors.Add(new ValidationError($"{path}[2]", $"invalid regular expression: {why}"));
                break;
            case ConstraintOperator.MaxPer:
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1)
                    errors.Add(new ValidationError(value is null ? path : $"{path}[2]", "MAX_PER needs a positive integer value"));
                break;
            case ConstraintOperator.GroupBy when value is not null:
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var groups) || groups < 1)
                    errors.Add(new ValidationError($"{path}[2]", "GROUP_BY value must be a positive integer (the number of groups)"));
                break;
        }
        return errors.Count == before ? new Constraint(parts[0], op, value) : null;
    }

    /// <summary>Null when <paramref name="candidate"/> satisfies this constraint given <paramref name="placed"/>; otherwise why not.</summary>
    public string? Check(Placement candidate, IReadOnlyList<Placement> placed)
    {
        var value = candidate.ValueOf(Field);
        if (value is null) return $"{this}: agent {candidate.Hostname} has no attribute '{Field}'";
        var sameValue = placed.Count(p => p.ValueOf(Field) == value);
        switch (Operator)
        {
            case ConstraintOperator.Unique:
                return sameValue == 0 ? null : $"{this}: {Field}={value} already runs an instance";
            case ConstraintOperator.Cluster:
                var target = Value ?? placed.Select(p => p.ValueOf(Field)).FirstOrDefault(v => v is not null);
                return target is null || target == value ? null : $"{this}: {Field}={value} is not {target}";
            case ConstraintOperator.Like:
                return Matches(value) ? null : $"{this}: {Field}={value} does not match";
            case ConstraintOperator.Unlike:
                return Matches(value) ? $"{this}: {Field}={value} matches" : null;
            case ConstraintOperator.MaxPer:
                var max = int.Parse(Value!, CultureInfo.InvariantCulture);
                return sameValue < max ? null : $"{this}: {Field}={value} already runs {sameValue} instances";
            case ConstraintOperator.GroupBy:
                // Spread evenly: only a value with the fewest instances may take the next one. Values not
                // seen yet count as 0 while fewer than the expected number of groups are in use.
                var counts = placed.Select(p => p.ValueOf(Field)).Where(v => v is not null)
                    .GroupBy(v => v!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                var expected = Value is null ? 0 : int.Parse(Value, CultureInfo.InvariantCulture);
                var min = counts.Count == 0 || counts.Count < expected ? 0 : counts.Values.Min();
                return sameValue <= min ? null : $"{this}: {Field}={value} has {sameValue} instances, another group has {min}";
            default:
                return $"{this}: unsupported operator";
        }
    }

    /// <summary>The wait reason when every one of <paramref name="agentCount"/> offered agents fails this constraint.</summary>
    public string Summary(int agentCount) => Operator switch
    {
        ConstraintOperator.Unique => $"{this}: all {agentCount} agent{(agentCount == 1 ? "" : "s")} already run an instance",
        ConstraintOperator.MaxPer => $"{this}: every offered {Field} already runs {Value} instances",
        ConstraintOperator.GroupBy => $"{this}: no offer is in the least used {Field} group",
        _ => $"{this}: none of the {agentCount} offered agents qualifies",
    };

    public override string ToString() => Operator == ConstraintOperator.Unique || Value is null
        ? $"{OperatorName} {Field}"
        : $"{OperatorName} {Field}:{Value}";

    private bool Matches(string value)
    {
        ConstraintPattern? pattern;
        lock (Compiled)
        {
            if (!Compiled.TryGetValue(Value!, out pattern))
            {
                // Parse refused what does not compile, so a constraint's pattern always does.
                pattern = ConstraintPattern.Compile(Value!, out var why) ?? throw new InvalidOperationException(why);
                if (Compiled.Count >= MaxCompiled) Compiled.Clear();
                Compiled[Value!] = pattern;
            }
        }
        return pattern.IsMatch(value);
    }
}
