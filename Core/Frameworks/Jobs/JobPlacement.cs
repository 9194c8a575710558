using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// Puts a started job run on an offer: the first live offer with room (offers are already in the
/// allocator's order). Each attempt gets its own task id ("{run}.{attempt}") so a retry never collides
/// with the task of the attempt before.
/// </summary>
internal static class JobPlacement
{
    public static (JobLaunch? Launch, string? WhyNot) Place(JobSpec spec, JobRun run, IReadOnlyList<Offer> offers, long nowMs)
    {
        var need = new ResourceSet(new Resources(spec.Cpus, (long)Math.Ceiling(spec.Mem), (long)Math.Ceiling(spec.Disk)), PortRanges.Empty);
        var reasons = new List<string>();
        foreach (var offer in offers)
        {
            if (offer.ExpiresAtMs <= nowMs) continue;
            var shortfall = offer.Resources.Shortfall(need);
            if (shortfall is not null)
            {
                reasons.Add($"{offer.Hostname}: {shortfall}");
                continue;
            }
            var task = new TaskLaunch(run.TaskId, need);
            return (new JobLaunch(spec.Id, run.RunId, run.Attempt, offer.Id, offer.AgentId, task), null);
        }
        return (null, reasons.Count == 0 ? "waiting for resource offers" : $"no offer fits {need}: {string.Join("; ", reasons)}");
    }
}
