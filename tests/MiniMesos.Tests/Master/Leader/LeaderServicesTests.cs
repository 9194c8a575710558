using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Net.Master.Leader;
using Xunit;

namespace MiniMesos.Tests.Master.Leader;

/// <summary>Leader-only loops follow the term they lead in (leadership from an in-memory fake source).</summary>
public sealed class LeaderServicesTests
{
    /// <summary>In-memory fake of the Raft host's leadership: the term this master leads in, or null.</summary>
    private sealed class FakeLeadership
    {
        public ulong? Term;
    }

    /// <summary>A loop that records the token of each start and runs until it is cancelled.</summary>
    private sealed class RecordingLoop
    {
        public readonly List<CancellationToken> Starts = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            lock (Starts) Starts.Add(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public int Count
        {
            get
            {
                lock (Starts) return Starts.Count;
            }
        }
    }

    [Fact]
    public async Task LeadershipLostAndWonAgainBetweenTwoWakesRestartsTheLoopsInTheNewTerm()
    {
        var leadership = new FakeLeadership { Term = 5 };
        var loop = new RecordingLoop();
        await using var services = new LeaderServices(() => leadership.Term, NullLogger.Instance);
        services.Add("loop", loop.RunAsync);
        services.Start();
        await Eventually.TrueAsync(() => loop.Count == 1 && services.Running == 1, "the loop runs in term 5");

        // Lost and won again before the supervisor woke: it sees only a leader, but of a later term.
        leadership.Term = 7;
        services.LeadershipMayHaveChanged();
        await Eventually.TrueAsync(() => loop.Count == 2 && services.Running == 1, "the loop restarted in term 7",
            context: () => $"starts {loop.Count}, running {services.Running}, terms {services.Terms}");
        Assert.True(loop.Starts[0].IsCancellationRequested, "term 5's loop is cancelled");
        Assert.False(loop.Starts[1].IsCancellationRequested, "term 7's loop runs on");
        Assert.Equal(2, services.Terms);

        // A wake within the same term changes nothing.
        services.LeadershipMayHaveChanged();
        await Eventually.StaysTrueAsync(() => loop.Count == 2 && services.Running == 1, "the loop keeps running in term 7", TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task OneOffWorkRunsWithinTheTermAndIsCancelledAndAwaitedWithIt()
    {
        var leadership = new FakeLeadership();
        var services = new LeaderServices(() => leadership.Term, NullLogger.Instance);
        var loop = new RecordingLoop();
        services.Add("loop", loop.RunAsync);
        services.Start();
        Assert.False(services.RunInTerm("one-off", _ => Task.CompletedTask), "nothing runs while not leading");

        leadership.Term = 3;
        services.LeadershipMayHaveChanged();
        await Eventually.TrueAsync(() => services.Running == 1, "the loop runs in term 3");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = false;
        CancellationToken seen = default;
        Assert.True(services.RunInTerm("one-off", async cancellationToken =>
        {
            seen = cancellationToken;
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                await Task.Yield();
                ended = true;
            }
        }));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Leadership moves on: the term's stop cancels the one-off and awaits it.
        leadership.Term = null;
        services.LeadershipMayHaveChanged();
        await Eventually.TrueAsync(() => seen.IsCancellationRequested, "the one-off is cancelled with its term");
        await services.DisposeAsync();
        Assert.True(ended, "the term's stop awaited the one-off");
        Assert.Equal(0, services.Running);
    }
}
