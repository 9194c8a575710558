using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>One launch of a <see cref="LaunchTasks"/> entry: a new task, the agent it goes to, and the external framework that owns it (null: built-in).</summary>
internal sealed record PlacedLaunch(string TaskId, TaskSpec Spec, string AgentId, string? FrameworkId = null);
