namespace MiniMesos.Net.Http;

/// <summary>GET /v1/jobs: every job, without run history.</summary>
internal sealed record JobList(IReadOnlyList<JobView> Jobs);

/// <summary>
/// A job: its spec, where it stands (<see cref="Status"/> idle, active or retry_pending, with the leader's reason and
/// the next scheduled run) and, in GET /v1/jobs/{id}, its runs with their attempts (oldest first).
/// </summary>
internal sealed record JobView(
    string Id,
    string? Cmd,
    IReadOnlyList<string>? Args,
    IReadOnlyDictionary<string, string>? Env,
    double Cpus,
    double Mem,
    double Disk,
    string? Schedule,
    JobRetryRequest Retry,
    int HistoryLimit,
    string CreatedAt,
    string Status,
    string? Reason,
    string? NextRunAt,
    IReadOnlyList<JobRunView>? Runs,
    string? User = null,
    string? Network = null,
    string? Rootfs = null,
    IReadOnlyDictionary<string, string>? Binds = null);

/// <summary>One run (one scheduled instant or one "run now") and its attempts.</summary>
internal sealed record JobRunView(string Id, string State, string ScheduledFor, IReadOnlyList<JobAttemptView> Attempts);

/// <summary>One attempt: its task and how it ended (task state and exit code from the task record).</summary>
internal sealed record JobAttemptView(
    int Attempt,
    string TaskId,
    string State,
    string? TaskState,
    int? ExitCode,
    string? StartedAt,
    string? FinishedAt,
    string? RetryAt,
    string? Message);
