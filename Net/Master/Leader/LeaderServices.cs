using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MiniMesos.Net.Master.Leader;

/// <summary>
/// The loops only a leader runs (the built-in frameworks' passes, the once-a-second upkeep, the service table's feed):
/// started when this master becomes the leader and stopped, cancelled and awaited, when it stops leading or shuts
/// down, so a follower runs none of them. A loop stopped mid-pass is safe: what it proposed after losing leadership
/// fails to commit (the Raft host fails those proposals), and what it committed but had not sent yet (a launch) the
/// next leader sends again when the agent registers there. Leadership is read from <c>leadingTerm</c> (the term this
/// master leads in, or null) each time it may have changed, so a change that arrives while the previous one is handled
/// is never lost or applied out of order; and the loops are tied to one term: leadership lost and won again between two
/// wakes (the wake channel holds one) shows as a new term, and the old term's loops are stopped before the new term's
/// start clean. One-off work of a term (<see cref="RunInTerm"/>) is cancelled and awaited with its loops.
/// </summary>
internal sealed class LeaderServices(Func<ulong?> leadingTerm, ILogger logger) : IAsyncDisposable
{
    private readonly List<(string Name, Func<CancellationToken, Task> Run)> _services = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private Task? _supervisor;
    /// <summary>The term whose loops run now (null while not leading); set and cleared by the supervisor under <see cref="_gate"/>.</summary>
    private Term? _current;
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

    /// <summary>
    /// Runs <paramref name="work"/> once in the background within the current term: its token is cancelled, and the work
    /// awaited, when the term's loops stop. False (and nothing runs) when no term's loops run now (not leading, or the
    /// services not started: then the loops themselves, e.g. the upkeep, do the work).
    /// </summary>
    public bool RunInTerm(string name, Func<CancellationToken, Task> work)
    {
        lock (_gate)
        {
            if (_current is not { } term) return false;
            term.OneOffs.RemoveAll(t => t.IsCompleted);
            term.OneOffs.Add(Task.Run(() => RunOneAsync(name, work, term.Stop.Token, loop: false)));
            return true;
        }
    }

    /// <summary>Stops the loops (if running) and stops following leadership.</summary>
    public async ValueTask DisposeAsync()
    {
        _wake.Writer.TryComplete();
        if (_supervisor is not null) await _supervisor.ConfigureAwait(false);
    }

    private async Task SuperviseAsync()
    {
        while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _wake.Reader.TryRead(out _);
            var leading = leadingTerm();
            if (_current is { } running && running.Number != leading) await StopAsync(running).ConfigureAwait(false);
            if (leading is { } number && _current is null) StartAll(number);
        }
        if (_current is { } last) await StopAsync(last).ConfigureAwait(false);
    }

    private void StartAll(ulong number)
    {
        var term = new Term(number);
        // The term is current before any loop counts as running, so whoever sees the loops running can run one-offs in it.
        lock (_gate) _current = term;
        Interlocked.Increment(ref _terms);
        Interlocked.Add(ref _running, _services.Count);
        logger.LogInformation("leader services started (term {Term}): {Names}", number, string.Join(", ", Names));
        term.Loops = Task.WhenAll(_services.Select(s => Task.Run(() => RunOneAsync(s.Name, s.Run, term.Stop.Token, loop: true))));
    }

    private async Task StopAsync(Term term)
    {
        List<Task> oneOffs;
        lock (_gate)
        {
            _current = null;
            oneOffs = term.OneOffs;
        }
        await term.Stop.CancelAsync().ConfigureAwait(false);
        await term.Loops.ConfigureAwait(false);
        await Task.WhenAll(oneOffs).ConfigureAwait(false);
        term.Stop.Dispose();
        logger.LogInformation("leader services stopped (term {Term})", term.Number);
    }

    private async Task RunOneAsync(string name, Func<CancellationToken, Task> run, CancellationToken cancellationToken, bool loop)
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
            logger.LogError("leader service {Name} ended on an error: {Error}", name, e.Message);
        }
        finally
        {
            if (loop) Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>One term's loops and one-off work, and the token that stops them.</summary>
    private sealed class Term(ulong number)
    {
        public ulong Number { get; } = number;
        public CancellationTokenSource Stop { get; } = new();
        public Task Loops { get; set; } = Task.CompletedTask;
        /// <summary>Guarded by the services' gate; no more are added once the term is no longer current.</summary>
        public List<Task> OneOffs { get; } = [];
    }
}
