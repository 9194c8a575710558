namespace MiniMesos.Core.Raft;

/// <summary>A confirmed ReadIndex: once the state machine has applied <see cref="Index"/>, the read <see cref="RequestId"/> may be served.</summary>
internal readonly record struct ReadState(ulong RequestId, ulong Index);
