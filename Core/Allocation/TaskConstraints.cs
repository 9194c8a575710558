using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Core.Allocation;

/// <summary>
/// Marathon constraints on one-shot tasks, evaluated with the apps' <see cref="Constraint"/>. "hostname" is the
/// agent's hostname, any other field an agent attribute. For UNIQUE, MAX_PER, GROUP_BY and CLUSTER a task's peers
/// are the other live one-shot tasks with the same name (the name is what a batch of `minimesos run --name X` shares),
/// so `--name shard --constraint hostname:UNIQUE` spreads a batch over agents.
/// </summary>
internal static class TaskConstraints
{
    /// <summary>The task's constraints, parsed; problems go to <paramref name="errors"/> with paths constraints[i]...</summary>
    public static List<Constraint> Parse(IReadOnlyList<IReadOnlyList<string>>? constraints, List<ValidationError> errors)
    {
        var parsed = new List<Constraint>();
        for (var i = 0; i < (constraints?.Count ?? 0); i++)
        {
            if (Constraint.Parse(constraints![i], $"constraints[{i}]", errors) is { } c) parsed.Add(c);
        }
        return parsed;
    }

    /// <summary>Where the task's peers run: live one-shot tasks with its name placed on an agent, other than itself.</summary>
    public static List<Placement> Peers(ClusterState state, TaskRecord task) => state.Tasks.Values
        .Where(t => t.Id != task.Id && t.Spec.AppId is null && t.Spec.Name == task.Spec.Name && t.AgentId is not null && !t.State.IsTerminal())
        .Select(t => PlacementOn(state, t.AgentId!))
        .ToList();

    public static Placement PlacementOn(ClusterState state, string agentId) => state.Agents.TryGetValue(agentId, out var agent)
        ? new Placement(agent.Id, agent.Hostname, agent.Attributes)
        : new Placement(agentId, "", new Dictionary<string, string>());

    /// <summary>Null when the agent satisfies every constraint; otherwise the first failure and its constraint's index.</summary>
    public static (string Reason, int Index)? Check(IReadOnlyList<Constraint> constraints, Placement candidate, IReadOnlyList<Placement> peers)
    {
        for (var i = 0; i < constraints.Count; i++)
        {
            if (constraints[i].Check(candidate, peers) is { } reason) return (reason, i);
        }
        return null;
    }

    /// <summary>Why no agent in <paramref name="agents"/> satisfies the task's constraints; null when one does.</summary>
    public static string? WhyNot(ClusterState state, TaskRecord task, IReadOnlyList<AgentRecord> agents)
    {
        if (task.Spec.Constraints is not { Count: > 0 }) return null;
        var errors = new List<ValidationError>();
        var constraints = Parse(task.Spec.Constraints, errors);
        if (errors.Count > 0) return $"invalid constraint: {errors[0].Path}: {errors[0].Reason}";
        var peers = Peers(state, task);
        var failures = new List<(string Hostname, string Reason, int Index)>();
        foreach (var agent in agents)
        {
            if (Check(constraints, PlacementOn(state, agent.Id), peers) is not { } failed) return null;
            failures.Add((agent.Hostname, failed.Reason, failed.Index));
        }
        if (failures.Count == 0) return null;
        var culprits = failures.Select(f => f.Index).Distinct().ToList();
        if (culprits.Count > 1) return "no agent satisfies the constraints: " + string.Join("; ", failures.Select(f => $"{f.Hostname}: {f.Reason}"));
        var c = constraints[culprits[0]];
        return c.Operator is ConstraintOperator.Like or ConstraintOperator.Unlike or ConstraintOperator.Cluster
            ? $"{c}: no agent matches"
            : c.Summary(failures.Count);
    }
}
