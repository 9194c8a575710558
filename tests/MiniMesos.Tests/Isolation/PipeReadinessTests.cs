using System.IO.Pipes;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary><see cref="PipeReadiness"/> over real pipes: a watched pipe completes on data and on its writer's close, not before.</summary>
public sealed class PipeReadinessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APipeIsReadyWhenItHasDataOrItsWriterIsGoneAndNotBefore()
    {
        using var quiet = new AnonymousPipeServerStream(PipeDirection.In);
        using var written = new AnonymousPipeServerStream(PipeDirection.In);
        using var closed = new AnonymousPipeServerStream(PipeDirection.In);
        var quietWriter = new AnonymousPipeClientStream(PipeDirection.Out, quiet.ClientSafePipeHandle);
        var writtenWriter = new AnonymousPipeClientStream(PipeDirection.Out, written.ClientSafePipeHandle);
        var closedWriter = new AnonymousPipeClientStream(PipeDirection.Out, closed.ClientSafePipeHandle);
        var quietReady = PipeReadiness.WhenReadable(quiet.SafePipeHandle);
        var writtenReady = PipeReadiness.WhenReadable(written.SafePipeHandle);
        var closedReady = PipeReadiness.WhenReadable(closed.SafePipeHandle);

        writtenWriter.Write("ended\n"u8);
        await writtenReady.WaitAsync(Timeout);
        closedWriter.Dispose();
        await closedReady.WaitAsync(Timeout);
        // One poll saw the other two: this one, with nothing to read and its writer open, was in the same polls.
        Assert.False(quietReady.IsCompleted, "a pipe with nothing to read and its writer open is not ready");
        // Its owner disposing of it meanwhile closes nothing under the poll (the watch holds the handle).
        quiet.Dispose();
        quietWriter.Dispose();
        await quietReady.WaitAsync(Timeout);
        writtenWriter.Dispose();
    }
}
