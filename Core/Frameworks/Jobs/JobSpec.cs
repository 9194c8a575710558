namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// A job: one-shot when <see cref="Schedule"/> is null, otherwise cron ("*/5 * * * *") or ISO 8601
/// repeating ("R/2026-01-01T00:00:00Z/P1D"). At most one run at a time; a fire that comes while a run is
/// active is skipped. <see cref="CreatedAtMs"/> anchors the first fire (none before it). <see cref="User"/>,
/// <see cref="Network"/> (null: host, or "none"), <see cref="Rootfs"/> and <see cref="Binds"/> isolate each attempt's
/// task as they do a one-shot task's (see TaskSpec).
/// </summary>
internal sealed record JobSpec(
    string Id,
    string? Cmd = null,
    IReadOnlyList<string>? Args = null,
    double Cpus = 0.1,
    double Mem = 64,
    double Disk = 0,
    string? Schedule = null,
    RetryPolicy? Retry = null,
    int HistoryLimit = 20,
    long CreatedAtMs = 0,
    IReadOnlyDictionary<string, string>? Env = null,
    string? User = null,
    string? Network = null,
    string? Rootfs = null,
    IReadOnlyDictionary<string, string>? Binds = null)
{
    public RetryPolicy RetryPolicy => Retry ?? new RetryPolicy();
}
