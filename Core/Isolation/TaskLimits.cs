namespace MiniMesos.Core.Isolation;

/// <summary>Resources a task was given; zero means "no limit requested".</summary>
internal sealed record TaskLimits(double Cpus, long MemoryBytes, long MaxPids = 0);
