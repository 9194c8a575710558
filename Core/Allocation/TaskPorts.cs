using System.Globalization;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Allocation;

/// <summary>
/// Host ports of tasks, Marathon style: an agent offers a port range (default 31000-32000), a task's ports are
/// the ones in its PORTS variable, and a one-shot task that asks for N ports gets the lowest N free ones of its
/// agent's range when it is assigned. Pure: a function of the agent and its live tasks.
/// </summary>
internal static class TaskPorts
{
    public static readonly PortRanges DefaultRange = PortRanges.Of(new PortRange(31000, 32000));

    /// <summary>The ports a task holds, read from its PORTS variable ("31000,31001").</summary>
    public static IEnumerable<int> UsedBy(TaskSpec spec)
    {
        if (!spec.Env.TryGetValue("PORTS", out var ports) || ports.Length == 0) yield break;
        foreach (var part in ports.Split(','))
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port)) yield return port;
    }

    /// <summary>The agent's range minus the ports its live (non-terminal) tasks hold, app instances included.</summary>
    public static PortRanges Free(AgentRecord agent, IEnumerable<TaskRecord> tasks) =>
        agent.PortRange.Subtract(PortRanges.Of(tasks
            .Where(t => t.AgentId == agent.Id && !t.State.IsTerminal())
            .SelectMany(t => UsedBy(t.Spec))));

    /// <summary>True when every port in <paramref name="spec"/>'s PORTS is still free on the agent.</summary>
    public static bool AllFree(AgentRecord agent, IEnumerable<TaskRecord> tasks, TaskSpec spec) =>
        Free(agent, tasks).Contains(PortRanges.Of(UsedBy(spec)));
}
