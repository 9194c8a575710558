using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;

namespace MiniMesos.Tests.Storage;

/// <summary>Child process of the crash test: appends one entry per Ready and prints each index once it is acknowledged.</summary>
internal static class StorageCrashChild
{
    public const string Mode = "storage-crash-child";
    public static readonly StoreIdentity Identity = new("crash", 1);

    public static LogEntry Entry(ulong index) => new(index, 1, EntryType.Normal, BitConverter.GetBytes(index * 2654435761UL));

    public static int Run(string dataDir)
    {
        using var store = SqliteRaftStore.Open(dataDir, Identity);
        var output = Console.Out;
        var deadline = DateTime.UtcNow.AddSeconds(30); // bound in case the parent never kills us
        for (var i = store.LastIndex + 1; DateTime.UtcNow < deadline; i++)
        {
            store.Persist(new Ready { HardState = new HardState(1, 1, i), Entries = [Entry(i)] });
            output.WriteLine(i);
            output.Flush();
        }
        return 0;
    }
}
