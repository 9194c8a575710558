using MiniMesos.Core.Routing;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Master -> agent: the routing mesh's service table (docs/protocol.md, "services"). <see cref="BaseVersion"/> 0 is the
/// whole table; otherwise only the routes changed since <see cref="BaseVersion"/> and the service ports removed.
/// </summary>
internal sealed record ServiceTableUpdate(long Version, long BaseVersion, IReadOnlyList<ServiceRoute> Changed, IReadOnlyList<int> Removed) : WireMessage
{
    public override string Type => "services";
}

/// <summary>
/// Agent -> master: the routing mesh's state on this agent: how many service ports it listens on, the table version it
/// holds, and the ports it does not listen on with why ("10001": "address already in use"). Sent when it changes.
/// </summary>
internal sealed record MeshStatus(int Listening, long TableVersion, IReadOnlyDictionary<string, string> Unbound) : WireMessage
{
    public override string Type => "mesh_status";
}
