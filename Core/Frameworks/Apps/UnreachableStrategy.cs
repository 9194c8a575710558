namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Marathon's unreachableStrategy: what happens to an instance while its agent is unreachable. Counted from the moment
/// it became TASK_UNREACHABLE: for <see cref="InactiveAfterSeconds"/> it still counts for the app (its instance count and
/// its constraints: it is expected back, nothing replaces it); after that it is inactive (it no longer counts, a
/// replacement is launched); after <see cref="ExpungeAfterSeconds"/> it is expunged (ended for good: killed if its agent
/// ever comes back). <see cref="Disabled"/> ("disabled" in the API): never inactive, never expunged, never replaced while away.
/// Marathon's defaults: 300 and 600 seconds.
/// </summary>
internal sealed record UnreachableStrategy(long InactiveAfterSeconds = UnreachableStrategy.DefaultInactiveAfterSeconds,
    long ExpungeAfterSeconds = UnreachableStrategy.DefaultExpungeAfterSeconds, bool Disabled = false)
{
    public const long DefaultInactiveAfterSeconds = 300;
    public const long DefaultExpungeAfterSeconds = 600;

    public static readonly UnreachableStrategy Default = new();

    public static readonly UnreachableStrategy Off = new(0, 0, Disabled: true);

    /// <summary>Whether an instance unreachable since <paramref name="sinceMs"/> is inactive at <paramref name="nowMs"/> (replaced, no longer counted).</summary>
    public bool IsInactive(long sinceMs, long nowMs) => !Disabled && nowMs - sinceMs >= InactiveAfterSeconds * 1000;

    /// <summary>Whether an instance unreachable since <paramref name="sinceMs"/> is to be expunged at <paramref name="nowMs"/>.</summary>
    public bool IsExpunged(long sinceMs, long nowMs) => !Disabled && nowMs - sinceMs >= ExpungeAfterSeconds * 1000;
}
