using MiniMesos.Core.Routing;

namespace MiniMesos.Net.Routing;

/// <summary>
/// The agent's routing mesh: on (default) it listens on every service port and forwards each connection to an instance.
/// <see cref="HttpPort"/>: the shared port of the apps' virtual hosts (0: none). <see cref="MaxConnections"/> bounds the
/// connections each listener forwards at once; more are closed at accept.
/// </summary>
internal sealed record MeshOptions(
    bool Enabled = true,
    int HttpPort = 80,
    BalanceMode Balance = BalanceMode.RoundRobin,
    int MaxConnections = 4096,
    System.Net.IPAddress? BindAddress = null)
{
    /// <summary>How long one connect to an instance may take before the next instance is tried.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
}
