using MiniMesos.Isolation;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

internal sealed partial class AgentService
{
    /// <summary>
    /// The user and network a task runs with, or a <see cref="TaskLaunchException"/> (the task fails with its
    /// message) for a user this agent does not allow or know, or a network it does not know. A task that names
    /// no user gets null: the launcher's default (nobody when isolated, the agent's own user otherwise).
    /// </summary>
    private (string? User, TaskNetwork Network) UserAndNetwork(LaunchTask launch)
    {
        var network = launch.Network switch
        {
            null or "host" => TaskNetwork.Host,
            "none" => TaskNetwork.None,
            var other => throw new TaskLaunchException($"unknown network '{other}' (known: host, none)"),
        };
        if (launch.User is null) return (null, network);
        var passwd = File.Exists("/etc/passwd") ? File.ReadAllText("/etc/passwd") : null;
        var (user, refusal) = users.Decide(launch.User, passwd);
        return refusal is null ? (user, network) : throw new TaskLaunchException(refusal);
    }
}
