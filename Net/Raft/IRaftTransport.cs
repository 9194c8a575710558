using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Raft;

/// <summary>Delivers Raft messages to other masters. Never blocks; may drop (Raft retries by itself).</summary>
internal interface IRaftTransport
{
    void Send(RaftMessage message);
}
