using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Backup;

/// <summary>
/// Backup files of this master's replicated state: written from a consistent capture, restored through the log. Files are
/// sealed under the current admin token (<paramref name="token"/> follows rotations).
/// </summary>
internal sealed class BackupService(RaftHost raft, MasterService master, string cluster, Func<string> token, TimeProvider time)
{
    public BackupService(RaftHost raft, MasterService master, string cluster, string token, TimeProvider time)
        : this(raft, master, cluster, () => token, time)
    {
    }

    /// <summary>The state as applied here (the API calls this after a read barrier, so it holds every earlier commit).</summary>
    public async Task<(byte[] File, SnapshotHeader Header)> SaveAsync(CancellationToken cancellationToken)
    {
        var captured = await raft.CaptureAsync(cancellationToken).ConfigureAwait(false);
        var current = token();
        var header = Describe(cluster, current, captured.Metadata.Index, captured.Metadata.Term, captured.Data, time.GetUtcNow().ToUnixTimeMilliseconds());
        return (SnapshotFile.Write(header, captured.Data, current), header);
    }

    /// <summary>
    /// Checks <paramref name="file"/> completely, then replaces the cluster's state with it through the log. A backup written
    /// before an admin rotation opens only with the token of its time (<paramref name="fileToken"/>); what its state holds
    /// sealed under that token (the CA's key, the agent secret) is re-sealed under the current one first, so every master
    /// can still open it.
    /// </summary>
    public async Task<SnapshotHeader> RestoreAsync(byte[] file, bool forceCluster, CancellationToken cancellationToken, string? fileToken = null)
    {
        var current = token();
        var (header, state) = OpenChecked(file, cluster, fileToken ?? current, forceCluster);
        if (fileToken is not null && fileToken != current) state = Reseal(state, fileToken, current, master.AdminRotation);
        await master.RestoreStateAsync(state, cancellationToken).ConfigureAwait(false);
        return header;
    }

    /// <summary>
    /// A state's sealed secrets moved from <paramref name="from"/>'s key to <paramref name="to"/>'s, with the cluster's current
    /// rotation record (<paramref name="rotation"/>) instead of the backup's: a master restarted with the token file of before
    /// that rotation still learns the current token from its state.
    /// </summary>
    private static byte[] Reseal(byte[] state, string from, string to, AdminRotationRecord? rotation)
    {
        var decoded = Decode(state);
        var fromKey = System.Text.Encoding.UTF8.GetBytes(from);
        var toKey = System.Text.Encoding.UTF8.GetBytes(to);
        try
        {
            if (decoded.ClusterCa is { } ca) decoded.RestoreClusterCa(ca with { SealedKey = Security.ClusterCa.Reseal(ca, fromKey, toKey) });
            var agent = decoded.SealedAgentSecret is { } sealedAgent ? Security.AgentSecret.Unseal(sealedAgent, fromKey) : Security.AgentSecret.Derive(fromKey);
            decoded.RestoreAgentSecret(Security.AgentSecret.Seal(agent, toKey));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new SnapshotFileException($"the snapshot's sealed secrets do not open with the token it was written with: {e.Message}");
        }
        decoded.RestoreAdminRotation(rotation);
        return StateSnapshotCodec.Encode(decoded);
    }

    /// <summary>The header for a state: where it is in the log, who wrote it and what it holds (decoding it checks it, too).</summary>
    public static SnapshotHeader Describe(string cluster, string token, ulong index, ulong term, byte[] state, long nowMs)
    {
        var decoded = Decode(state);
        var counts = new SnapshotCounts(decoded.Apps.Count, decoded.Tasks.Count, decoded.Tasks.Values.Count(t => !t.State.IsTerminal()),
            decoded.Jobs.Count, decoded.Agents.Count, decoded.Frameworks.Count, decoded.RoleWeights.Count);
        return new SnapshotHeader(cluster, SnapshotFile.KeyIdOf(token), index, term, nowMs, BuildInfo.Version, state.Length > 0 ? state[0] : 0, counts);
    }

    /// <summary>
    /// Everything a restore checks before it changes anything: the file (magic, format, checksum, length, key, seal),
    /// the cluster name (another cluster's file only with <paramref name="forceCluster"/>) and that the state decodes.
    /// </summary>
    public static (SnapshotHeader Header, byte[] State) OpenChecked(byte[] file, string cluster, string token, bool forceCluster)
    {
        var header = SnapshotFile.ReadHeader(file);
        if (header.Cluster != cluster && !forceCluster)
            throw new SnapshotFileException($"the snapshot is of cluster '{header.Cluster}', this is cluster '{cluster}': restoring another " +
                "cluster's state here needs --force-cluster (force_cluster=true), e.g. when the cluster was renamed");
        var (_, state) = SnapshotFile.Open(file, token);
        Decode(state);
        return (header, state);
    }

    private static ClusterState Decode(byte[] state)
    {
        var decoded = new ClusterState();
        try
        {
            StateSnapshotCodec.Restore(decoded, state);
        }
        catch (ProtocolException e)
        {
            throw new SnapshotFileException($"the snapshot's state cannot be read by this minimesos ({e.Message})");
        }
        return decoded;
    }
}
