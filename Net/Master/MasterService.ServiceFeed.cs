using MiniMesos.Core.Routing;
using MiniMesos.Net.Master.Leader;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>The routing mesh's service table, pushed to agents by <see cref="ServiceTableFeed"/> (leader only).</summary>
internal sealed partial class MasterService
{
    /// <summary>An agent's routing mesh state as it last reported it (in memory, this leader only).</summary>
    public void MeshReported(string agentId, MeshStatus status) => _agents.MeshReported(agentId, status);

    /// <summary>The agent's last mesh report, or null (no mesh, an older agent, or not reported to this leader).</summary>
    public MeshStatus? Mesh(string agentId) => _agents.Mesh(agentId);

    /// <summary>The table as this leader would push it now.</summary>
    public SortedDictionary<int, ServiceRoute> ServiceRoutes() => _serviceFeed.Routes();
}
