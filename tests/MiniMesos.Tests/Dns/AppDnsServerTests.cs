using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Dns;
using MiniMesos.Net.AppDns;
using MiniMesos.Tests.Discovery;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.Dns;

/// <summary>
/// The app DNS server on real loopback sockets: UDP and length-prefixed TCP answers, a malformed-query fuzz run (the
/// codec fuzzer's inputs) after which it still answers, and its TCP bounds. Set MINIMESOS_FUZZ_SEED to replay a run.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class AppDnsServerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AnswersOverUdpAndTcpAndKeepsServingThroughAFuzzRun()
    {
        var zone = AppDnsAnswererTests.Zone(AppDnsAnswererTests.Instance("/web", "web.1", "pi1", "198.18.0.11", 31000));
        await using var server = AppDnsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), () => zone, NullLogger.Instance);
        await AssertServesAsync(server.Port);

        var seed = int.TryParse(Environment.GetEnvironmentVariable("MINIMESOS_FUZZ_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"fuzz seed {seed} (replay with MINIMESOS_FUZZ_SEED={seed})");
        var rng = new Random(seed);
        byte[][] corpus = [.. DnsFuzzer.Corpus(), .. DnsFuzzer.UnicastCorpus()];
        byte[] Input(int i) => i % 4 == 0 ? DnsFuzzer.RandomBytes(rng) : DnsFuzzer.Mutate(rng, corpus[rng.Next(corpus.Length)]);
        using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var target = new IPEndPoint(IPAddress.Loopback, server.Port);
            for (var i = 0; i < 20_000; i++) udp.SendTo(Input(i), target);
        }
        // Over TCP: framed garbage, lengths that lie, and connections that stop mid-message.
        for (var c = 0; c < 100; c++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
            var stream = tcp.GetStream();
            for (var m = 0; m < 5; m++)
            {
                var body = Input(c * 5 + m);
                var framed = new byte[body.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)(m == 4 ? body.Length + 10 : body.Length));
                body.CopyTo(framed, 2);
                try
                {
                    await stream.WriteAsync(framed);
                }
                catch (IOException)
                {
                    break;   // the server closed this connection: allowed
                }
            }
        }
        await AssertServesAsync(server.Port);
    }

    [Fact]
    public async Task TcpConnectionsAreBoundedInNumberAndIdleTime()
    {
        var zone = AppDnsAnswererTests.Zone(AppDnsAnswererTests.Instance("/web", "web.1", "pi1", "198.18.0.11", 31000));
        await using var server = AppDnsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), () => zone, NullLogger.Instance);
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < AppDnsServer.MaxConnections; i++)
            {
                var c = new TcpClient();
                idle.Add(c);
                await c.ConnectAsync(IPAddress.Loopback, server.Port);
            }
            var sw = Stopwatch.StartNew();
            using var extra = new TcpClient();
            await extra.ConnectAsync(IPAddress.Loopback, server.Port);
            Assert.True(await ClosedAsync(extra), "a connection over the limit stays open");
            Assert.True(sw.Elapsed < AppDnsServer.IdleTimeout, $"the connection over the limit was closed only after {sw.Elapsed}");
            // The silent ones are closed after the idle timeout, and then the server takes new connections again.
            Assert.True(await ClosedAsync(idle[0]), "an idle connection stays open");
            await AssertServesAsync(server.Port);
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
    }

    private static async Task<bool> ClosedAsync(TcpClient client)
    {
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            return await client.GetStream().ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;   // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A query over UDP and one over TCP both get web's A record.</summary>
    private static async Task AssertServesAsync(int port)
    {
        var query = new DnsMessage(new DnsHeader(77, DnsHeader.RecursionDesiredFlag), [new DnsQuestion(DnsName.Parse("web.c.minimesos"), DnsType.A)], [], [], []).Encode();
        using var timeout = new CancellationTokenSource(Wait);
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            udp.Connect(IPAddress.Loopback, port);
            DnsMessage? reply = null;
            // Bounded retries: UDP may drop a datagram right after a flood.
            for (var attempt = 0; attempt < 10 && reply is null; attempt++)
            {
                await udp.SendAsync(query, timeout.Token);
                using var one = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                one.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    var got = await udp.ReceiveAsync(one.Token);
                    var message = DnsMessageReader.Read(got.Buffer);
                    if (message.Header.Id == 77) reply = message;
                }
                catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                {
                }
            }
            Assert.NotNull(reply);
            Assert.Equal("198.18.0.11", ((AddressRecordData)Assert.Single(reply.Answers).Data).Address.ToString());
        }
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = tcp.GetStream();
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await stream.WriteAsync(framed, timeout.Token);
        var length = new byte[2];
        await stream.ReadExactlyAsync(length, timeout.Token);
        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(body, timeout.Token);
        Assert.Equal("198.18.0.11", ((AddressRecordData)Assert.Single(DnsMessageReader.Read(body).Answers).Data).Address.ToString());
    }
}
