using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Storage;

/// <summary>The reference: the in-memory stores the Raft tests and the simulation use.</summary>
public sealed class InMemoryStoreContractTests : RaftStoreContract
{
    private protected override (RaftStorage Storage, Action<Ready> Persist) Create()
    {
        var storage = RaftStorage.InMemory();
        return (storage, storage.Persist);
    }
}
