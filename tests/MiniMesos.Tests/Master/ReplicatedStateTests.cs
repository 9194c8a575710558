using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Master;

/// <summary>The master's replicated state part: applies in log order and publishes a read view no apply waits for.</summary>
public sealed class ReplicatedStateTests
{
    private static readonly Dictionary<string, string> NoEnv = [];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ReplicatedState _state = new(NullLogger.Instance);
    private ulong _index;

    private void Apply(ClusterCommand command) => _state.Apply(++_index, CommandCodec.Encode(command));

    private static TaskSpec Spec() => new("t", ["true"], NoEnv, new Resources(0.01, 1));

    [Fact]
    public async Task AReaderHoldingTheViewDoesNotBlockApplies()
    {
        Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(64, 65536), NoEnv, 0)));
        for (var i = 0; i < 100; i++) Apply(new SubmitTask(1, $"t{i:000}", Spec()));
        var view = _state.View;
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // A slow reader: it stops in the middle of enumerating the tasks until the applies below are done.
        var reader = Task.Run(() =>
        {
            var seen = 0;
            foreach (var task in view.Tasks.Values)
            {
                if (seen++ == 0)
                {
                    inside.Set();
                    release.Wait(Patience);
                }
            }
            return seen;
        });
        Assert.True(inside.Wait(Patience), "the reader never started");
        var applies = Task.Run(() =>
        {
            for (var i = 100; i < 300; i++) Apply(new SubmitTask(2, $"t{i:000}", Spec()));
            Apply(new UpdateTaskStatus(3, "t000", TaskState.Killed, null, null, "killed"));
        });
        var applied = applies.Wait(Patience);
        release.Set();
        Assert.True(applied, "applies waited for a reader that holds the view");
        // The reader finishes on the state it started with: no "collection was modified", none of the later entries.
        Assert.Equal(100, await reader);
        Assert.Equal(TaskState.Staging, view.Tasks["t000"].State);
        Assert.Equal(302UL, _index);
        Assert.Equal(300, _state.View.Tasks.Count);
        Assert.Equal(TaskState.Killed, _state.View.Tasks["t000"].State);
    }

    [Fact]
    public void EveryApplyIsInTheNextViewAndRead()
    {
        Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 0)));
        var before = _state.View;
        Assert.Same(before, _state.View); // nothing applied in between: the same copy
        Apply(new SubmitTask(1, "t1", Spec()));
        Assert.True(_state.Read(s => s.Tasks.ContainsKey("t1")));
        var after = _state.View;
        Assert.NotSame(before, after);
        Assert.False(before.Tasks.ContainsKey("t1"));
        Assert.True(after.Tasks.ContainsKey("t1"));
        Assert.True(after.IsFrozen);
        Assert.Throws<InvalidOperationException>(() => after.Apply(new SubmitTask(2, "t2", Spec())));
    }

    [Fact]
    public void SnapshotsAreTheViewsAndRestoreReplacesTheView()
    {
        Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 0)));
        Apply(new SubmitTask(1, "t1", Spec()));
        var bytes = _state.Snapshot();
        Assert.Equal(StateSnapshotCodec.Encode(_state.View), bytes);
        var other = new ReplicatedState(NullLogger.Instance);
        var empty = other.View;
        other.Restore(bytes);
        Assert.Empty(empty.Tasks);
        Assert.True(other.View.Tasks.ContainsKey("t1"));
        Assert.Equal(bytes, other.Snapshot());
    }

    [Fact]
    public void AFrozenSnapshotEncodesTheStateAtTheFreezeAsBeforeWhateverIsAppliedMeanwhile()
    {
        Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 0)));
        Apply(new SubmitTask(1, "t1", Spec()));
        var atFreeze = StateSnapshotCodec.Encode(_state.View);
        var encode = _state.FreezeSnapshot();
        Apply(new SubmitTask(2, "t2", Spec()));
        Apply(new UpdateTaskStatus(3, "t1", TaskState.Killed, null, null, "killed"));
        // Encoded later (off the Raft loop): the very bytes the state had at the freeze, not the state now.
        Assert.Equal(atFreeze, encode());
        Assert.NotEqual(atFreeze, _state.Snapshot());
    }
}
