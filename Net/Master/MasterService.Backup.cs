using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// Restoring a backup through the log: the leader proposes the whole state as one <see cref="ReplaceState"/> entry, so
/// every master replaces its state at the same index (State/ReplicatedState). Agents are then reconciled the way
/// returning agents are.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>Replaces the replicated state with <paramref name="state"/> (StateSnapshotCodec bytes, already checked).</summary>
    public Task RestoreStateAsync(byte[] state, CancellationToken cancellationToken) =>
        ProposeAsync(new ReplaceState(Now(), state), cancellationToken);

    /// <summary>A connected agent's version (null: not connected here, or an agent too old to say).</summary>
    public string? AgentBuild(string agentId)
    {
        return _agents.Channel(agentId) is { Build.Length: > 0 } channel ? channel.Build : null;
    }
}
