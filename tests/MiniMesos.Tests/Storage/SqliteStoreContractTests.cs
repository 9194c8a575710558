using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;

namespace MiniMesos.Tests.Storage;

/// <summary>The SQLite store passes the same contract, persisting a Ready through its one-transaction path.</summary>
public sealed class SqliteStoreContractTests : RaftStoreContract
{
    private readonly TempDataDir _dir = new();
    private SqliteRaftStore? _store;

    private protected override (RaftStorage Storage, Action<Ready> Persist) Create()
    {
        _store = SqliteRaftStore.Open(_dir.Path, new StoreIdentity("test", 1));
        return (new RaftStorage(_store, _store, _store), _store.Persist);
    }

    public override void Dispose()
    {
        _store?.Dispose();
        _dir.Dispose();
    }
}
