namespace MiniMesos.Core.Raft;

/// <summary>Add or remove exactly one voter.</summary>
internal sealed record ConfigChange(ConfigChangeKind Kind, ulong NodeId);
