using MiniMesos.Core.Model;
using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Http;

/// <summary>/v1/status: this master's view of the cluster (answered locally by every master, never forwarded).</summary>
internal static class StatusEndpoint
{
    public static StatusView View(ApiContext context)
    {
        var raft = context.Raft.Status;
        // Voters from the Raft configuration, plus masters known by gossip that are not (or no longer) voters.
        var masters = raft.Voters.Union(context.Directory.All.Select(p => p.Id)).Order()
            .Select(id => (Id: id, Peer: context.Directory.Get(id)))
            .Select(m => new MasterView(m.Id, m.Peer?.ClusterAddress ?? "", m.Peer?.ApiUrl ?? "",
                m.Id == raft.Leader ? "leader" : raft.Voters.Contains(m.Id) ? "follower" : "non-voter",
                context.Directory.VersionOf(m.Id) is { Build.Length: > 0 } v ? v.Build : null, context.Directory.LevelOf(m.Id)))
            .ToList();
        var tasks = context.Master.Tasks().GroupBy(t => t.State).ToDictionary(g => g.Key.ToWire(), g => g.Count());
        return new StatusView(BuildInfo.Version, raft.Id, Role(raft.Role), raft.Leader == 0 ? null : raft.Leader, raft.Term,
            raft.Commit, raft.Applied, masters, context.Master.Agents().Count, tasks, raft.Stopped,
            Core.State.FeatureGate.ClusterLevel(raft.Voters, context.Directory.LevelOf));
    }

    public static string Role(RaftRole role) => role switch
    {
        RaftRole.Leader => "leader",
        RaftRole.Follower => "follower",
        _ => "candidate",
    };
}
