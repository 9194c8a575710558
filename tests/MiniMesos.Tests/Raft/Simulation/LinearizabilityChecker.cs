namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// Decides whether a history of register operations is linearizable (Herlihy &amp; Wing), by the Wing &amp; Gong search
/// with Lowe's memoization, the algorithm Porcupine uses: walk the history's call/return events in time order; try
/// to linearize each call that is still open; when a return is reached whose call has not been linearized, undo the
/// last choice. (linearized set, register value) pairs already explored are cached, which keeps it fast in practice.
/// A key-value history is checked one key at a time: linearizability is compositional (P-compositionality).
/// </summary>
internal static class LinearizabilityChecker
{
    public const ulong InitialValue = 0;

    /// <summary>Null if linearizable, else the key whose history is not (with its operations, for the failure message).</summary>
    public static string? CheckKeyValue(IReadOnlyList<Operation> history)
    {
        foreach (var group in history.GroupBy(o => o.Key).OrderBy(g => g.Key))
        {
            var ops = group.ToList();
            if (!CheckRegister(ops))
            {
                return $"key {group.Key} is not linearizable:\n  " + string.Join("\n  ", ops.OrderBy(o => o.Call));
            }
        }
        return null;
    }

    public static bool CheckRegister(IReadOnlyList<Operation> ops)
    {
        if (ops.Count == 0)
        {
            return true;
        }
        var head = BuildEventList(ops);
        var words = (ops.Count + 63) / 64;
        var linearized = new ulong[words];
        var cache = new HashSet<CacheKey>();
        var stack = new Stack<(Event Call, ulong State)>();
        var state = InitialValue;
        var entry = head.Next;
        while (head.Next is not null)
        {
            if (entry!.IsCall)
            {
                var op = ops[entry.OpId];
                var ok = !op.IsWrite ? op.Value == state : true;
                var newState = op.IsWrite ? op.Value : state;
                if (ok)
                {
                    linearized[entry.OpId / 64] |= 1UL << (entry.OpId % 64);
                    if (cache.Add(new CacheKey((ulong[])linearized.Clone(), newState)))
                    {
                        stack.Push((entry, state));
                        state = newState;
                        Lift(entry);
                        entry = head.Next;
                        continue;
                    }
                    linearized[entry.OpId / 64] &= ~(1UL << (entry.OpId % 64));
                }
                entry = entry.Next;
            }
            else
            {
                if (stack.Count == 0)
                {
                    return false;
                }
                var (call, previous) = stack.Pop();
                state = previous;
                linearized[call.OpId / 64] &= ~(1UL << (call.OpId % 64));
                Unlift(call);
                entry = call.Next;
            }
        }
        return true;
    }

    private static Event BuildEventList(IReadOnlyList<Operation> ops)
    {
        var events = new List<(long Time, int Order, Event E)>(ops.Count * 2);
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].Return <= ops[i].Call)
            {
                throw new ArgumentException($"operation returns before it is called: {ops[i]}");
            }
            var call = new Event(i, isCall: true);
            var ret = new Event(i, isCall: false);
            call.Match = ret;
            // Calls sort before returns at equal times (only possible for never-returning ops at +inf), so concurrent.
            events.Add((ops[i].Call, 0, call));
            events.Add((ops[i].Return, 1, ret));
        }
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order.CompareTo(b.Order));
        var head = new Event(-1, isCall: false);
        var prev = head;
        foreach (var (_, _, e) in events)
        {
            prev.Next = e;
            e.Prev = prev;
            prev = e;
        }
        return head;
    }

    /// <summary>Remove a call and its return from the list (the op is linearized).</summary>
    private static void Lift(Event call)
    {
        call.Prev!.Next = call.Next;
        if (call.Next is not null)
        {
            call.Next.Prev = call.Prev;
        }
        var ret = call.Match!;
        ret.Prev!.Next = ret.Next;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret.Prev;
        }
    }

    /// <summary>Undo <see cref="Lift"/>; events are restored in reverse order of removal.</summary>
    private static void Unlift(Event call)
    {
        var ret = call.Match!;
        ret.Prev!.Next = ret;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret;
        }
        call.Prev!.Next = call;
        if (call.Next is not null)
        {
            call.Next.Prev = call;
        }
    }

    private sealed class Event(int opId, bool isCall)
    {
        public int OpId { get; } = opId;
        public bool IsCall { get; } = isCall;
        public Event? Match { get; set; }
        public Event? Prev { get; set; }
        public Event? Next { get; set; }
    }

    private readonly struct CacheKey(ulong[] bits, ulong state) : IEquatable<CacheKey>
    {
        private readonly ulong[] _bits = bits;
        private readonly ulong _state = state;

        public bool Equals(CacheKey other) => _state == other._state && _bits.AsSpan().SequenceEqual(other._bits);

        public override bool Equals(object? obj) => obj is CacheKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(_state);
            foreach (var w in _bits)
            {
                h.Add(w);
            }
            return h.ToHashCode();
        }
    }
}
