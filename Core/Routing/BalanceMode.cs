namespace MiniMesos.Core.Routing;

/// <summary>How the routing mesh spreads connections over a service's instances.</summary>
internal enum BalanceMode
{
    RoundRobin,
    LeastConnections,
}
