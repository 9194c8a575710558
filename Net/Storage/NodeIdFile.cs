using System.Security.Cryptography;

namespace MiniMesos.Net.Storage;

/// <summary>The data dir's node-id file: the master host, offline restore and the recovery commands all read it.</summary>
internal static class NodeIdFile
{
    /// <summary>A master's Raft id: random on first start, kept in the data dir.</summary>
    public static ulong ReadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, "node-id");
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            return ulong.TryParse(text, out var id) && id != 0
                ? id
                : throw new StorageException($"{path} does not hold a node id ('{text}'): restore it from a backup or use a fresh --data-dir");
        }
        Directory.CreateDirectory(dataDir);
        // 53 bits: unique enough for a handful of masters, and exact as a JSON number in every language.
        var fresh = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) & ((1UL << 53) - 1) | 1;
        File.WriteAllText(path, fresh + "\n");
        return fresh;
    }
}
