namespace MiniMesos.Core.Allocation;

/// <summary>One task a framework wants to start out of the offers it accepts; ports must be from the offer.</summary>
internal sealed record TaskLaunch(string TaskId, ResourceSet Resources);
