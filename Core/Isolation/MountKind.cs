namespace MiniMesos.Core.Isolation;

/// <summary>What a <see cref="MountStep"/> mounts.</summary>
internal enum MountKind { BindWritable, BindReadOnly, Proc }
