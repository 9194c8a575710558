namespace MiniMesos.Net.Storage;

/// <summary>Who a data dir belongs to: written once when the store is created, checked on every open.</summary>
internal sealed record StoreIdentity(string ClusterName, ulong NodeId)
{
    public override string ToString() => $"cluster '{ClusterName}' node {NodeId}";
}
