using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>
/// What the API endpoints read from: the master's state, its Raft status, the masters it knows and the apps loop.
/// <paramref name="Trust"/>: which certificates the leader's API may present when a follower forwards a call (null: any).
/// <paramref name="Roles"/>: the role-scoped secrets (agent tokens are refused by the API; null: none known).
/// </summary>
internal sealed record ApiContext(MasterService Master, RaftHost Raft, PeerDirectory Directory, AppsService? Apps = null,
    JobsService? Jobs = null, Backup.BackupService? Backups = null, Security.CaTrust? Trust = null, Security.RoleSecrets? Roles = null);
