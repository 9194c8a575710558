using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>What an ended task's state, code, signal and message mean as a shell exit code.</summary>
public sealed class TaskEndTests
{
    [Fact]
    public void OomKilledTaskWhoseShellExitedZeroExits137WithTheReason()
    {
        var (code, reason) = TaskEnd.Exit(TaskState.Failed, 0, null, $"{TaskEnd.OomKilled}: the task used more memory than it was given");
        Assert.Equal(137, code);
        Assert.StartsWith("killed by the OOM killer", reason);
    }

    [Fact]
    public void OomKilledMainProcessExits137()
    {
        Assert.Equal(137, TaskEnd.Exit(TaskState.Failed, null, 9, TaskEnd.OomKilled).Code);
    }

    [Theory]
    [InlineData(TaskState.Failed, 0, null, null)]
    [InlineData(TaskState.Failed, null, null, "the executable was not found")]
    [InlineData(TaskState.Killed, 0, null, "killed on request")]
    [InlineData(TaskState.Lost, null, null, "agent gone")]
    [InlineData(TaskState.Gone, null, null, null)]
    [InlineData(TaskState.Failed, null, 0, null)]
    internal void ATaskThatDidNotFinishNeverExitsZero(TaskState state, int? exit, int? signal, string? message)
    {
        var (code, reason) = TaskEnd.Exit(state, exit, signal, message);
        Assert.Equal(1, code);
        Assert.NotNull(reason ?? (message is null && exit is null ? "none expected" : null));
    }

    [Theory]
    [InlineData(TaskState.Finished, 0, null, 0)]
    [InlineData(TaskState.Finished, null, null, 0)]
    [InlineData(TaskState.Failed, 3, null, 3)]
    [InlineData(TaskState.Failed, null, 15, 143)]
    [InlineData(TaskState.Killed, 143, null, 143)]
    internal void OwnCodeOrSignalOtherwise(TaskState state, int? exit, int? signal, int expected)
    {
        var (code, reason) = TaskEnd.Exit(state, exit, signal, null);
        Assert.Equal(expected, code);
        Assert.Null(reason);
    }
}
