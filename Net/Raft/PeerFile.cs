namespace MiniMesos.Net.Raft;

/// <summary>
/// &lt;data-dir&gt;/peers: the masters this one last knew (itself included), one <see cref="MasterPeer.Encode"/> line each.
/// The running master rewrites it when what it knows changes; `master recover` reads it to check the other members are gone.
/// </summary>
internal static class PeerFile
{
    public const string FileName = "peers";

    public static void Write(string dataDir, IReadOnlyList<MasterPeer> peers)
    {
        var path = Path.Combine(dataDir, FileName);
        var temp = path + ".tmp";
        File.WriteAllLines(temp, peers.Select(p => p.Encode()));
        File.Move(temp, path, overwrite: true);
    }

    public static IReadOnlyList<MasterPeer> Read(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        return File.Exists(path) ? File.ReadLines(path).Take(1000).Select(MasterPeer.Decode).OfType<MasterPeer>().ToList() : [];
    }
}
