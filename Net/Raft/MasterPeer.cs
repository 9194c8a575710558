namespace MiniMesos.Net.Raft;

/// <summary>Another master as this one knows it: Raft id, cluster port address (host:port) and HTTP API base URL.</summary>
internal sealed record MasterPeer(ulong Id, string ClusterAddress, string ApiUrl)
{
    /// <summary>`id|cluster-address|api-url`, the form carried in master_hello gossip.</summary>
    public string Encode() => $"{Id}|{ClusterAddress}|{ApiUrl}";

    public static MasterPeer? Decode(string text)
    {
        var parts = text.Split('|');
        return parts.Length == 3 && ulong.TryParse(parts[0], out var id) && id != 0 ? new MasterPeer(id, parts[1], parts[2]) : null;
    }
}
