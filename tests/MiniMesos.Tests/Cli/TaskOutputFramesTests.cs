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

    [Fact]
    public async Task ASubmitsAnswerOpensWithTheSubmittedFrameAndNothingElse()
    {
        var frames = new TaskOutputFrames(new TrickleStream(Encoding.ASCII.GetBytes("submitted 12\n{\"id\":\"t.1\"}stdout 2\nhitask 2\n{}"), 1));
        Assert.Equal("{\"id\":\"t.1\"}", Encoding.ASCII.GetString(await frames.ReadFrameAsync("submitted", CancellationToken.None)));
        var stdout = new MemoryStream();
        Assert.Equal("{}", Encoding.ASCII.GetString((await frames.CopyAsync(stdout, Stream.Null, CancellationToken.None))!));
        Assert.Equal("hi", Encoding.ASCII.GetString(stdout.ToArray()));
        var wrong = new TaskOutputFrames(new MemoryStream(Encoding.ASCII.GetBytes("stdout 2\nhi")));
        await Assert.ThrowsAsync<InvalidDataException>(() => wrong.ReadFrameAsync("submitted", CancellationToken.None));
        var cut = new TaskOutputFrames(new MemoryStream(Encoding.ASCII.GetBytes("subm")));
        await Assert.ThrowsAsync<IOException>(() => cut.ReadFrameAsync("submitted", CancellationToken.None));
    }

    [Fact]
    public async Task AMasterThatAnswersASubmitWithTheTaskAloneLeavesTheFollowToTheCaller()
    {
        // An in-memory stand-in for a master older than POST /v1/tasks?follow=true: it ignores the query, answers 201 JSON.
        using var master = new OneAnswerMaster("201 Created", "{\"id\":\"t.7\",\"name\":\"t\",\"state\":\"TASK_STAGING\"}");
        using var client = master.Client();
        using var answer = await client.SubmitFollowingAsync(new MiniMesos.Net.Http.TaskSubmitRequest(["true"], null, "t", 0.1, 32, null), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("t.7", answer.Task.Id);
        Assert.Null(answer.Output);
        Assert.StartsWith("POST /v1/tasks?follow=true HTTP/1.1", await master.Request.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("no endpoint GET /v1/tasks/t.1/output", true)]   // a master older than the endpoint: the caller falls back
    [InlineData("no task 't.1'", false)]                         // the task is unknown: that is the answer
    public async Task A404ForTheEndpointItselfMeansAnOlderMaster(string error, bool olderMaster)
    {
        using var master = new OneAnswerMaster("404 Not Found", $"{{\"error\":\"{error}\"}}");
        using var client = master.Client();
        var follow = client.FollowOutputAsync("t.1", Stream.Null, Stream.Null, CancellationToken.None);
        if (olderMaster) Assert.Null(await follow.WaitAsync(TimeSpan.FromSeconds(30)));
        else Assert.Contains("no task 't.1'", (await Assert.ThrowsAsync<CliException>(() => follow.WaitAsync(TimeSpan.FromSeconds(30)))).Message);
        await master.Request.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>An in-memory stand-in for an older master on loopback: one plain-HTTP answer (JSON) to the first request.</summary>
    private sealed class OneAnswerMaster : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);

        public OneAnswerMaster(string status, string json)
        {
            _listener.Start();
            Request = Task.Run(async () =>
            {
                using var socket = await _listener.AcceptSocketAsync();
                await using var stream = new System.Net.Sockets.NetworkStream(socket);
                var request = new byte[8192];
                var read = 0;
                while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                    read += await stream.ReadAsync(request.AsMemory(read));
                var body = Encoding.UTF8.GetBytes(json);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
                await stream.WriteAsync(body);
                return Encoding.ASCII.GetString(request, 0, read);
            });
        }

        /// <summary>The request's head, once answered.</summary>
        public Task<string> Request { get; }

        public ApiClient Client() => new("127.0.0.1", ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port, "0123456789abcdef", plainHttp: true);

        public void Dispose() => _listener.Stop();
    }

    /// <summary>Returns at most <paramref name="readSize"/> bytes per read, as a slow connection does.</summary>
    private sealed class TrickleStream(byte[] data, int readSize) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
