using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// Agent health and draining on the leader: the decisions come from <see cref="AgentHealthPolicy"/>; this part
/// observes silence, proposes the commands and sends the kills.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>When a silent agent becomes unreachable, and an unreachable one gone. Set before the master starts.</summary>
    public AgentTimeouts Timeouts { get; init; } = AgentTimeouts.Default;

    public AgentMode Mode(string agentId)
    {
        return Read(s => s.Mode(agentId));
    }

    /// <summary>Starts draining an agent (again, with a new grace period, if it already drains). False if the agent is unknown.</summary>
    public async Task<bool> DrainAgentAsync(string agentId, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!Read(s => s.Agents.ContainsKey(agentId))) return false;
        await ProposeAsync(new SetAgentDrain(Now(), agentId, true, (long)grace.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("agent {Agent} draining: its tasks are killed with a {Grace} s grace period", agentId, grace.TotalSeconds);
        if (IsLeader) await DrainAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Ends draining: the agent takes tasks again. False if the agent is unknown.</summary>
    public async Task<bool> ReactivateAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        var (known, draining) = Read(s => (s.Agents.ContainsKey(agentId), s.DrainGraceMs.ContainsKey(agentId)));
        if (!known) return false;
        if (draining) await ProposeAsync(new SetAgentDrain(Now(), agentId, false, 0), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("agent {Agent} reactivated", agentId);
        Kick();
        return true;
    }

    /// <summary>Agents silent past the unreachable timeout are marked unreachable; unreachable past the gone timeout, removed.</summary>
    private async Task ExpireAgentsAsync(CancellationToken cancellationToken)
    {
        var (now, elapsed) = (Now(), Elapsed());
        var commands = _agents.Expiries(ReadView, elapsed, now, Timeouts);
        foreach (var command in commands)
        {
            await ProposeAsync(command, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("{What}", command switch
            {
                MarkAgentUnreachable c => $"{c.Reason}: unreachable, its tasks are TASK_UNREACHABLE",
                RemoveAgentGone c => $"{c.Reason}: its tasks are TASK_GONE",
                _ => command.ToString(),
            });
        }
    }

    /// <summary>Kills, once each, the tasks on draining agents with the agent's grace period.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var kills = _agents.NewDrainKills(ReadView);
        foreach (var (taskId, agentId, grace) in kills)
        {
            logger.LogInformation("agent {Agent} draining: killing task {Task}", agentId, taskId);
            try
            {
                await KillAsync(taskId, cancellationToken, grace).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or Wire.WireException)
            {
                _agents.DrainKillFailed(taskId);
                logger.LogWarning("could not kill task {Task} on draining agent {Agent}: {Error}", taskId, agentId, e.Message);
            }
        }
    }

    /// <summary>
    /// Commits the agent's registration and, in the same entry, its report's effect on its tasks (<see cref="AgentRegistration"/>:
    /// what runs resumes, what it lost is LOST), then kills what it should not run. An agent without a report (older) is
    /// only added.
    /// </summary>
    private async Task RegisterAgentAsync(AgentRecord agent, IAgentChannel channel, AgentReport? report, CancellationToken cancellationToken)
    {
        if (report is null)
        {
            await ProposeAsync(new AddAgent(Now(), agent), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("agent {Agent} registered from {Host}: {Resources}", agent.Id, agent.Hostname, agent.Total);
            return;
        }
        // Lookups of this agent's tasks only: a registration (a thousand of them after a failover) copies no view.
        var before = Read(s => s.LiveTasksOn(agent.Id).ToDictionary(t => t.Id, t => t.State, StringComparer.Ordinal));
        if (ClusterLevel() >= FeatureGate.AppChecks) await ProposeAsync(new AgentRegistration(Now(), agent, report), cancellationToken).ConfigureAwait(false);
        else await RegisterAgentAsOlderMastersDoAsync(agent, report, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("agent {Agent} registered from {Host}: {Resources}", agent.Id, agent.Hostname, agent.Total);
        IReadOnlyList<string> kill;
        List<TaskRecord> changed;
        (kill, changed) = Read(s => (AgentHealthPolicy.Strays(s, agent.Id, report),
            before.Keys.Select(id => s.Tasks.GetValueOrDefault(id)).OfType<TaskRecord>().Where(t => t.State != before[t.Id]).ToList()));
        foreach (var task in changed)
            logger.LogInformation("agent {Agent} is back: task {Task} is {State}", agent.Id, task.Id, task.State.ToString().ToUpperInvariant());
        foreach (var taskId in kill)
        {
            logger.LogWarning("agent {Agent} runs task {Task}, which the cluster does not place there: killing it", agent.Id, taskId);
            // Not awaited: the session holds every send until 'registered' has gone out, which happens only after this returns.
            _ = KillStrayAsync(agent.Id, taskId, channel);
        }
    }

    private async Task KillStrayAsync(string agentId, string taskId, IAgentChannel channel)
    {
        try
        {
            await channel.KillAsync(taskId, DefaultKillGrace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or Wire.WireException)
        {
            // The agent reconnects and reports the task again, and the next registration kills it.
            logger.LogWarning("could not kill task {Task} on agent {Agent}: {Error}", taskId, agentId, e.Message);
        }
    }

    /// <summary>
    /// While a master older than <see cref="FeatureGate.AppChecks"/> is a voter: the agent's return and its tasks' states
    /// as those masters commit them, in separate entries (RUNNING for what it runs, LOST for what it lost). An apps pass
    /// between them may still see the returning instances as unreachable: the gap AgentRegistration closes.
    /// </summary>
    private async Task RegisterAgentAsOlderMastersDoAsync(AgentRecord agent, AgentReport report, CancellationToken cancellationToken)
    {
        await ProposeAsync(new AddAgent(Now(), agent), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<UpdateTaskStatus> updates;
        updates = Read(s => AgentHealthPolicy.Resume(s, agent.Id, report, Now())).Where(u => u.State is TaskState.Running or TaskState.Lost).ToList();
        foreach (var update in updates) await ProposeAsync(update, cancellationToken).ConfigureAwait(false);
    }
}
