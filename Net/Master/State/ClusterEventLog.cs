using MiniMesos.Core.State;

namespace MiniMesos.Net.Master.State;

/// <summary>
/// The bounded buffer of cluster events (the most recent <see cref="MaxEvents"/>) that /v1/events and Marathon's event
/// stream read: events of applied log entries, numbered from the entry's index so every master numbers them alike, and
/// the leader's own (health changes). Its own lock.
/// </summary>
internal sealed class ClusterEventLog
{
    private const int MaxEvents = 10_000;

    /// <summary>Events of one log entry are numbered from (entry index) × 2^20 on.</summary>
    private const int EventIdsPerEntry = 20;

    private readonly Lock _gate = new();
    private readonly Queue<ClusterEvent> _events = new();
    private long _nextSeq = 1;

    /// <summary>
    /// Adds the events the entry at <paramref name="index"/> made; <paramref name="make"/> is given the id of the first.
    /// The leader's own events (health changes) take the ids after the entry applied before them; on another master
    /// those are not there.
    /// </summary>
    public void AddCommitted(ulong index, Func<long, IEnumerable<ClusterEvent>> make)
    {
        lock (_gate)
        {
            _nextSeq = Math.Max(_nextSeq, FirstEventId(index));
            foreach (var e in make(_nextSeq)) Add(e);
        }
    }

    /// <summary>Adds one event of the leader's own, numbered after the latest.</summary>
    public void AddLeaderEvent(Func<long, ClusterEvent> make)
    {
        lock (_gate) Add(make(_nextSeq));
    }

    /// <summary>Events after <paramref name="afterSeq"/> still in the buffer, oldest first.</summary>
    public IReadOnlyList<ClusterEvent> After(long afterSeq)
    {
        lock (_gate) return _events.Where(e => e.Seq > afterSeq).ToList();
    }

    private void Add(ClusterEvent e)
    {
        _events.Enqueue(e);
        _nextSeq = e.Seq + 1;
        while (_events.Count > MaxEvents) _events.Dequeue();
    }

    /// <summary>
    /// The id of the first event made from the log entry at <paramref name="index"/>: every master applying the entry
    /// numbers its events alike, so ids keep growing across restarts and leader changes and a Last-Event-ID taken from
    /// one master means the same events on the next leader.
    /// </summary>
    private static long FirstEventId(ulong index) => (long)Math.Min(index, (ulong)(long.MaxValue >> EventIdsPerEntry)) << EventIdsPerEntry;
}
