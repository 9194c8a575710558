using Microsoft.Extensions.Logging;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master;

/// <summary>
/// Restoring a backup through the log: the leader proposes the whole state as one <see cref="ReplaceState"/> entry, so
/// every master replaces its state at the same index. Agents are then reconciled the way returning agents are.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>Replaces the replicated state with <paramref name="state"/> (StateSnapshotCodec bytes, already checked).</summary>
    public Task RestoreStateAsync(byte[] state, CancellationToken cancellationToken) =>
        ProposeAsync(new ReplaceState(Now(), state), cancellationToken);

    /// <summary>A connected agent's version (null: not connected here, or an agent too old to say).</summary>
    public string? AgentBuild(string agentId)
    {
        lock (_gate) return _channels.TryGetValue(agentId, out var channel) && channel.Build.Length > 0 ? channel.Build : null;
    }

    private void ApplyReplaceState(ulong index, ReplaceState replace)
    {
        (int Agents, int Tasks, int Apps) counts;
        try
        {
            lock (_gate)
            {
                StateSnapshotCodec.Restore(_state, replace.State);
                counts = (_state.Agents.Count, _state.Tasks.Count, _state.Apps.Count);
            }
        }
        catch (ProtocolException e)
        {
            // The leader decoded it before proposing: a master that cannot is older, and must stop rather than drift.
            throw new UnreadableEntryException(index, e.Message);
        }
        logger.LogWarning("log entry {Index}: the cluster state was replaced by a restored backup ({Agents} agents, {Tasks} tasks, {Apps} apps)",
            index, counts.Agents, counts.Tasks, counts.Apps);
        Changed();
        // The agents connected now registered against the old state: dropping them makes each register again and be
        // reconciled against the restored one (tasks it no longer runs become LOST, tasks the state does not place there are killed).
        if (IsLeader) foreach (var agent in ReleaseAgents()) agent.Disconnect();
    }
}
