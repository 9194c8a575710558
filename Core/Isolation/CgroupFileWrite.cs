namespace MiniMesos.Core.Isolation;

/// <summary>One interface file of a cgroup and the content to write, e.g. ("cpu.max", "20000 100000").</summary>
internal sealed record CgroupFileWrite(string Controller, string File, string Content);
