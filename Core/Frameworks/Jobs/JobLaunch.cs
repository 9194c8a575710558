using MiniMesos.Core.Allocation;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>Start attempt <see cref="Task"/> of a job run on the agent of offer <see cref="OfferId"/>.</summary>
internal sealed record JobLaunch(string JobId, string RunId, int Attempt, string OfferId, string AgentId, TaskLaunch Task);
