namespace MiniMesos.Net.Backup;

/// <summary>How many records of each kind a snapshot holds (tasks counts every kept task, ended ones included).</summary>
internal sealed record SnapshotCounts(int Apps, int Tasks, int LiveTasks, int Jobs, int Agents, int Frameworks, int Roles);
