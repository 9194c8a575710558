namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>The finished-run history, bounded so a job that runs every minute does not grow without end.</summary>
internal static class JobHistory
{
    public static IReadOnlyList<JobRun> Append(IReadOnlyList<JobRun> history, JobRun run, int limit)
    {
        var keep = Math.Max(0, limit);
        var list = new List<JobRun>(Math.Min(history.Count + 1, keep + 1));
        list.AddRange(history.Skip(Math.Max(0, history.Count + 1 - keep)));
        if (keep > 0) list.Add(run);
        return list;
    }
}
