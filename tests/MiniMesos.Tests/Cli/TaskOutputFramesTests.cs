using System.Text;
using MiniMesos.Net.Cli;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>The CLI's reader of GET /v1/tasks/ID/output frames, over in-memory streams (no master).</summary>
public sealed class TaskOutputFramesTests
{
    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(1)] // every byte in a read of its own: headers and payloads split anywhere
    public async Task CopiesEachStreamAndReturnsTheTaskFrame(int readSize)
    {
        var big = new string('x', 40_000);
        var body = Encoding.ASCII.GetBytes($"stdout 6\nhello\nstderr 5\noops\nstdout {big.Length}\n{big}stdout 0\ntask 12\n{{\"id\":\"t.1\"}}");
        var frames = new TaskOutputFrames(new TrickleStream(body, readSize));
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var task = await frames.CopyAsync(stdout, stderr, CancellationToken.None);
        Assert.Equal("{\"id\":\"t.1\"}", Encoding.ASCII.GetString(task!));
        Assert.Equal("hello\n" + big, Encoding.ASCII.GetString(stdout.ToArray()));
        Assert.Equal("oops\n", Encoding.ASCII.GetString(stderr.ToArray()));
        Assert.Equal(6 + big.Length, frames.StdoutBytes);
        Assert.Equal(5, frames.StderrBytes);
    }

    [Fact]
    public async Task AStreamThatEndsBeforeTheTaskFrameReturnsNullAndCountsWhatWasCopied()
    {
        var frames = new TaskOutputFrames(new MemoryStream(Encoding.ASCII.GetBytes("stdout 3\nabcstderr 2\nx")));
        var stdout = new MemoryStream();
        await Assert.ThrowsAsync<IOException>(() => frames.CopyAsync(stdout, new MemoryStream(), CancellationToken.None));
        Assert.Equal(3, frames.StdoutBytes);
        Assert.Equal(1, frames.StderrBytes); // the part written is counted: a resumed request starts after it
        var headerCut = new TaskOutputFrames(new MemoryStream(Encoding.ASCII.GetBytes("stdout 3\nabcstd")));
        Assert.Null(await headerCut.CopyAsync(new MemoryStream(), new MemoryStream(), CancellationToken.None));
    }

    [Theory]
    [InlineData("stdin 3\nabc")]
    [InlineData("stdout three\nabc")]
    [InlineData("stdout -3\nabc")]
    [InlineData("nospace\n")]
    [InlineData("task 99999999\n{}")]
    public async Task WhatIsNotAFrameFailsClearly(string body)
    {
        var frames = new TaskOutputFrames(new MemoryStream(Encoding.ASCII.GetBytes(body)));
        await Assert.ThrowsAsync<InvalidDataException>(() => frames.CopyAsync(new MemoryStream(), new MemoryStream(), CancellationToken.None));
        var endless = new TaskOutputFrames(new MemoryStream(new byte[1000]));
        await Assert.ThrowsAsync<InvalidDataException>(() => endless.CopyAsync(new MemoryStream(), new MemoryStream(), CancellationToken.None));
    }

    /// <summary>Returns at most <paramref name="readSize"/> bytes per read, as a slow connection does.</summary>
    private sealed class TrickleStream(byte[] data, int readSize) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
