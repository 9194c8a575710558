namespace MiniMesos.Core.Isolation;

/// <summary>One mount of a <see cref="RootfsPlan"/>: bind Source at Target (read-only or not), or a proc at Target.</summary>
internal sealed record MountStep(MountKind Kind, string Source, string Target);
