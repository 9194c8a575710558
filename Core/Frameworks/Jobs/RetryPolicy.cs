namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// How a failed run is retried: up to <see cref="MaxRetries"/> more attempts, the n-th retry waiting
/// BackoffSeconds * BackoffFactor^(n-1), capped at MaxBackoffSeconds.
/// </summary>
internal sealed record RetryPolicy(int MaxRetries = 0, double BackoffSeconds = 10, double BackoffFactor = 2, double MaxBackoffSeconds = 600)
{
    /// <summary>Delay before retry number <paramref name="retry"/> (1-based).</summary>
    public double DelaySeconds(int retry) =>
        Math.Min(BackoffSeconds * Math.Pow(BackoffFactor, Math.Max(0, retry - 1)), MaxBackoffSeconds);
}
