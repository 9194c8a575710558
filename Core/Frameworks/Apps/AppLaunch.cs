using MiniMesos.Core.Allocation;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Start instance <see cref="Task"/>.TaskId of an app on the agent of offer <see cref="OfferId"/>.</summary>
internal sealed record AppLaunch(string AppId, string Version, string OfferId, string AgentId, TaskLaunch Task, IReadOnlyList<int> Ports);
