using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MiniMesos.Net.Master.Leader;

/// <summary>
/// The loops only a leader runs (the built-in frameworks' passes, the once-a-second upkeep, the service table's feed):
/// started when this master becomes the leader and stopped, cancelled and awaited, when it stops leading or shuts
/// down, so a follower runs none of them. A loop stopped mid-pass is safe: what it proposed after losing leadership
/// fails to commit (the Raft host fails those proposals), and what it committed but had not sent yet (a launch) the
/// next leader sends again when the agent registers there. Leadership is read from <c>isLeader</c> each time it may
/// have changed, so a change that arrives while the previous one is handled is never lost or applied out of order.
/// </summary>
internal sealed class LeaderServices(Func<bool> isLeader, ILogger logger) : IAsyncDisposable
{
    private readonly List<(string Name, Func<CancellationToken, Task> Run)> _services = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Task? _supervisor;
    private int _running;
    private long _terms;

    /// <summary>Leader-only loops running now on this master: all of them while it leads, none otherwise.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>How many times this master has started its leader-only loops (once per term it led).</summary>
    public long Terms => Interlocked.Read(ref _terms);

    /// <summary>Names of the registered loops, in start order.</summary>
    public IReadOnlyList<string> Names => _services.Select(s => s.Name).ToList();

    /// <summary>Registers a loop (before <see cref="Start"/>); it runs until its token is cancelled.</summary>
    public void Add(string name, Func<CancellationToken, Task> run)
    {
        if (_supervisor is not null) throw new InvalidOperationException("leader services are already started");
        _services.Add((name, run));
    }

    /// <summary>Starts following leadership: the loops start now if this master already leads.</summary>
    public void Start()
    {
        _supervisor ??= Task.Run(SuperviseAsync);
        LeadershipMayHaveChanged();
    }

    /// <summary>Called when leadership may have changed (the Raft loop's event): never blocks.</summary>
    public void LeadershipMayHaveChanged() => _wake.Writer.TryWrite(true);

    /// <summary>Stops the loops (if running) and stops following leadership.</summary>
    public async ValueTask DisposeAsync()
    {
        _wake.Writer.TryComplete();
        if (_supervisor is not null) await _supervisor.ConfigureAwait(false);
    }

    private async Task SuperviseAsync()
    {
        (CancellationTokenSource Stop, Task All)? term = null;
        while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _wake.Reader.TryRead(out _);
            var leading = isLeader();
            if (leading && term is null) term = StartAll();
            else if (!leading && term is { } running)
            {
                await StopAsync(running).ConfigureAwait(false);
                term = null;
            }
        }
        if (term is { } last) await StopAsync(last).ConfigureAwait(false);
    }

    private (CancellationTokenSource, Task) StartAll()
    {
        var stop = new CancellationTokenSource();
        Interlocked.Increment(ref _terms);
        Interlocked.Add(ref _running, _services.Count);
        logger.LogInformation("leader services started: {Names}", string.Join(", ", Names));
        return (stop, Task.WhenAll(_services.Select(s => Task.Run(() => RunOneAsync(s.Name, s.Run, stop.Token)))));
    }

    private async Task StopAsync((CancellationTokenSource Stop, Task All) term)
    {
        await term.Stop.CancelAsync().ConfigureAwait(false);
        await term.All.ConfigureAwait(false);
        term.Stop.Dispose();
        logger.LogInformation("leader services stopped");
    }

    private async Task RunOneAsync(string name, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A loop that ends on an error stays down until the next term: logged, never rethrown into the supervisor.
            logger.LogError("leader service {Name} stopped: {Error}", name, e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
