using MiniMesos.Core.Isolation;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>Checks a <see cref="JobSpec"/>; every error names the field path and why, schedule errors included.</summary>
internal static class JobSpecValidator
{
    public static IReadOnlyList<ValidationError> Validate(JobSpec job)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(job.Id) || !NameShapes.IsLowerSegment(job.Id, underscore: true))
            errors.Add(new("id", $"'{job.Id}' is not a valid job id (lower-case letters, digits, '.', '_' and '-')"));
        var hasCmd = !string.IsNullOrWhiteSpace(job.Cmd);
        var hasArgs = job.Args is { Count: > 0 };
        if (hasCmd == hasArgs) errors.Add(new(hasCmd ? "args" : "cmd", "exactly one of cmd or args must be given"));
        if (!(job.Cpus > 0) || !double.IsFinite(job.Cpus)) errors.Add(new("cpus", $"must be > 0, got {job.Cpus}"));
        if (!(job.Mem > 0) || !double.IsFinite(job.Mem)) errors.Add(new("mem", $"must be > 0 MiB, got {job.Mem}"));
        if (!(job.Disk >= 0) || !double.IsFinite(job.Disk)) errors.Add(new("disk", $"must be >= 0 MiB, got {job.Disk}"));
        if (job.Schedule is not null && !ScheduleParser.TryParse(job.Schedule, out _, out var why))
            errors.Add(new("schedule", why!));
        foreach (var name in (job.Env ?? new Dictionary<string, string>()).Keys.Where(k => !NameShapes.IsEnvName(k)))
            errors.Add(new($"env.{name}", "is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"));
        if (job.User is not null && !UserName.IsValid(job.User)) errors.Add(new("user", UserName.Rule));
        if (job.Network is not (null or "host" or "none"))
            errors.Add(new("network", $"must be \"host\" (the agent's network) or \"none\" (only loopback), got '{job.Network}'"));
        if (RootfsPlan.Invalid(job.Rootfs, job.Binds) is { } bad) errors.Add(new(bad.Field, bad.Reason));
        if (job.HistoryLimit is < 0 or > 10_000) errors.Add(new("historyLimit", $"must be between 0 and 10000, got {job.HistoryLimit}"));
        if (job.Retry is { } r)
        {
            if (r.MaxRetries < 0) errors.Add(new("retry.maxRetries", $"must be >= 0, got {r.MaxRetries}"));
            if (!(r.BackoffSeconds >= 0)) errors.Add(new("retry.backoffSeconds", $"must be >= 0, got {r.BackoffSeconds}"));
            if (!(r.BackoffFactor >= 1)) errors.Add(new("retry.backoffFactor", $"must be >= 1, got {r.BackoffFactor}"));
            if (!(r.MaxBackoffSeconds >= r.BackoffSeconds))
                errors.Add(new("retry.maxBackoffSeconds", $"must be >= backoffSeconds ({r.BackoffSeconds}), got {r.MaxBackoffSeconds}"));
        }
        return errors;
    }
}
