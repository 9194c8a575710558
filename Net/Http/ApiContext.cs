using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>What the API endpoints read from: the master's state, its Raft status and the masters it knows.</summary>
internal sealed record ApiContext(MasterService Master, RaftHost Raft, PeerDirectory Directory);
