namespace MiniMesos.Core.Raft;

/// <summary>What a log entry carries: an application command or a new voter set.</summary>
internal enum EntryType : byte
{
    Normal = 0,
    Config = 1,
}
