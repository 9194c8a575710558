namespace MiniMesos.Core.Raft;

internal enum ConfigChangeKind : byte
{
    AddVoter = 0,
    RemoveVoter = 1,
}
