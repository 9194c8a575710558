using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft.Simulation;

internal sealed partial class ClusterSimulation
{
    private const int WriteTimeoutTicks = 30;
    private const int ReadTimeoutTicks = 20;
    private const int LastOpMarginTicks = 25;

    private void ActClient(SimClient c)
    {
        var op = c.Current;
        if (op is null)
        {
            if (_tick < _o.Ticks + _o.QuietTicks - LastOpMarginTicks && _random.NextDouble() < 0.3)
            {
                var isWrite = _random.Next(2) == 0;
                c.Current = op = new SimClient.PendingOp
                {
                    IsWrite = isWrite,
                    Key = _random.Next(_o.Keys),
                    Seq = isWrite ? ++c.Seq : 0,
                    Value = isWrite ? ((ulong)c.Id << 32) | (uint)c.Seq : 0,
                    Call = ++_clock,
                };
            }
            else
            {
                return;
            }
        }
        if (op.InFlight && TryComplete(c, op))
        {
            return;
        }
        if (op.InFlight && _tick < op.Deadline)
        {
            return;
        }
        Submit(c, op);
    }

    /// <summary>True when the client learned the outcome; clears the attempt if it failed so it is retried.</summary>
    private bool TryComplete(SimClient c, SimClient.PendingOp op)
    {
        var node = _nodes[(int)op.Node - 1];
        if (op.IsWrite)
        {
            if (!node.Up || node.Incarnation != op.Incarnation)
            {
                op.Deadline = -1; // the server we talked to died: we will never hear back from it
                return false;
            }
            if (node.Machine.AppliedIndex < op.Index)
            {
                return false;
            }
            if (_applied.TryGetValue(op.Index, out var applied) && applied.Term == op.Term)
            {
                _history.Add(new Operation(c.Id, op.Key, true, op.Value, op.Call, ++_clock));
                _ackedWrites.Add((c.Id, op.Seq, op.Index));
                Stats.AckedWrites++;
                c.Current = null;
                return true;
            }
            op.Deadline = -1; // another leader's entry won that index: retry (dedupe makes it exactly once)
            return false;
        }
        if (_readResults.Remove(op.ReadId, out var result))
        {
            _history.Add(new Operation(c.Id, op.Key, false, result.Value, op.Call, result.At));
            Stats.Reads++;
            c.Current = null;
            return true;
        }
        return false;
    }

    private void Submit(SimClient c, SimClient.PendingOp op)
    {
        var up = _nodes.Where(n => n.Up).ToList();
        if (up.Count == 0)
        {
            return;
        }
        var hinted = c.LeaderHint != 0 ? _nodes[(int)c.LeaderHint - 1] : null;
        var node = hinted is { Up: true } ? hinted : up[_random.Next(up.Count)];
        var raft = node.Raft!;
        ProposeResult result;
        if (op.IsWrite)
        {
            result = raft.Propose(new KvCommand(c.Id, op.Seq, op.Key, op.Value).Encode());
        }
        else
        {
            // A read that got no answer had no effect, so each attempt is a fresh operation in the history.
            op.ReadId = ++_nextReadId;
            op.Call = ++_clock;
            _readKeys[op.ReadId] = op.Key;
            result = raft.RequestRead(op.ReadId);
        }
        if (result.IsAccepted)
        {
            op.Node = node.Id;
            op.Incarnation = node.Incarnation;
            op.Index = result.Index;
            op.Term = result.Term;
            op.Deadline = _tick + (op.IsWrite ? WriteTimeoutTicks : ReadTimeoutTicks);
            c.LeaderHint = node.Id;
            Pump(node);
        }
        else
        {
            op.Deadline = -1;
            c.LeaderHint = result.LeaderHint != c.LeaderHint ? result.LeaderHint : 0;
        }
    }

    /// <summary>Writes still unanswered may or may not have happened: they never return. Unanswered reads are dropped.</summary>
    private void FinishHistory()
    {
        foreach (var c in _clients)
        {
            if (c.Current is { IsWrite: true } op)
            {
                _history.Add(new Operation(c.Id, op.Key, true, op.Value, op.Call, long.MaxValue));
            }
            c.Current = null;
        }
    }
}
