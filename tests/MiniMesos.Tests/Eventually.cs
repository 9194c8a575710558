using System.Diagnostics;

namespace MiniMesos.Tests;

/// <summary>
/// The one way tests wait: poll a condition until it holds or a timeout passes, then fail with what was awaited
/// (and, when given, the last value seen and some context such as a cluster's log). Never a fixed sleep: a test
/// goes on as soon as the condition holds, and a slow machine only makes it wait longer.
/// </summary>
internal static class Eventually
{
    /// <summary>How long a condition may take unless the caller says otherwise: generous, for a loaded CI machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Time between two looks at the condition.</summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="condition"/> holds; <paramref name="what"/> says what in the failure.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? context = null,
        TimeSpan? poll = null) =>
        MatchAsync(() => Task.FromResult(condition()), done => done, what, timeout, context, poll, describe: _ => null);

    /// <summary>As <see cref="TrueAsync(Func{bool}, string, TimeSpan?, Func{string}?, TimeSpan?)"/> for a condition that awaits (an HTTP call).</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? context = null,
        TimeSpan? poll = null) =>
        MatchAsync(condition, done => done, what, timeout, context, poll, describe: _ => null);

    /// <summary>
    /// Probes until the value satisfies <paramref name="done"/> and returns it; the failure shows the last value seen
    /// (<paramref name="describe"/>, by default its ToString).
    /// </summary>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null,
        Func<string>? context = null, TimeSpan? poll = null, Func<T, string?>? describe = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value)) return value;
            if (watch.Elapsed >= limit) throw Failure(what, limit, describe is null ? value?.ToString() : describe(value), context);
            await Task.Delay(poll ?? DefaultPoll).ConfigureAwait(false);
        }
    }

    /// <summary>The blocking form, for code that cannot await (a synchronous test, a Dispose, a callback).</summary>
    public static void True(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? context = null, TimeSpan? poll = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed >= limit) throw Failure(what, limit, null, context);
            Thread.Sleep(poll ?? DefaultPoll);
        }
    }

    /// <summary>
    /// The negative counterpart, for "nothing more happens": fails as soon as <paramref name="condition"/> stops holding
    /// within <paramref name="window"/>. Use it only where no event marks the end of what must not happen.
    /// </summary>
    public static async Task StaysTrueAsync(Func<bool> condition, string what, TimeSpan window, Func<string>? context = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < window)
        {
            if (!condition()) throw new InvalidOperationException($"after {watch.Elapsed.TotalSeconds:0.0} s, no longer true that {what}" +
                (context is null ? "" : $"\n{context()}"));
            await Task.Delay(DefaultPoll).ConfigureAwait(false);
        }
        if (!condition()) throw new InvalidOperationException($"at the end of {window.TotalSeconds:0.#} s, no longer true that {what}");
    }

    private static TimeoutException Failure(string what, TimeSpan limit, string? last, Func<string>? context)
    {
        var message = $"timed out after {limit.TotalSeconds:0.#} s waiting until {what}";
        if (!string.IsNullOrEmpty(last)) message += $"; last seen: {last}";
        if (context is not null) message += $"\n{context()}";
        return new TimeoutException(message);
    }
}
