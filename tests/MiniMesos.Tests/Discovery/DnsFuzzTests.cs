using System.Diagnostics;
using System.Net;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.Discovery;

/// <summary>
/// Random and mutated packets: the reader either parses or throws <see cref="DnsFormatException"/>, and what
/// it parses re-encodes to bytes that read back identically. Set MINIMESOS_FUZZ_SEED to replay a run.
/// </summary>
[Trait("Category", "Slow")]
[Collection(FuzzCollection.Name)]
public sealed class DnsFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 120_000;

    [Fact]
    public void ReaderSurvivesRandomAndMutatedInput()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MINIMESOS_FUZZ_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"fuzz seed {seed} (replay with MINIMESOS_FUZZ_SEED={seed})");
        var rng = new Random(seed);
        var corpus = DnsFuzzer.Corpus();
        int parsed = 0, rejected = 0;
        // Parsed packets also go through the protocol logic, which must survive whatever the LAN sends.
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var responder = new MdnsResponder(new ServiceInstance("agent 1", 5051, new Dictionary<string, string> { ["cluster"] = "c" },
            [IPAddress.Parse("198.18.0.1")], "agent-1"), new Random(seed));
        responder.Start(now);
        var browser = new ServiceBrowserState(MdnsProtocol.ServiceType, "c");
        browser.Start(now);
        var peer = new IPEndPoint(IPAddress.Parse("198.18.0.2"), 5353);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            var input = (i % 4) == 0 ? DnsFuzzer.RandomBytes(rng) : DnsFuzzer.Mutate(rng, corpus[rng.Next(corpus.Length)]);
            DnsMessage message;
            try
            {
                message = DnsMessageReader.Read(input);
            }
            catch (DnsFormatException)
            {
                rejected++;
                continue;
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed} iteration {i}: {ex.GetType().Name} {ex.Message} on {Convert.ToHexString(input)}");
                throw;
            }
            parsed++;
            if (parsed % 1000 == 0)
            {
                // A fresh browser now and then keeps the run fast; a long-lived cache is not what this probes.
                browser = new ServiceBrowserState(MdnsProtocol.ServiceType, "c");
                browser.Start(now);
            }
            now += TimeSpan.FromMilliseconds(rng.Next(0, 400));
            responder.Tick(now);
            responder.Receive(message, peer, now);
            browser.Receive(message, now);
            browser.Tick(now);
            byte[] once;
            try
            {
                once = message.Encode();
            }
            catch (DnsFormatException)
            {
                continue;   // e.g. a label whose undecodable bytes widen past 63 when re-encoded
            }
            var twice = DnsMessageReader.Read(once).Encode();
            Assert.True(once.AsSpan().SequenceEqual(twice), $"seed {seed} iteration {i}: re-encoding is not stable for {Convert.ToHexString(input)}");
        }
        output.WriteLine($"{Iterations} inputs in {sw.ElapsedMilliseconds} ms: {parsed} parsed, {rejected} rejected; " +
            $"responder renamed {responder.Conflicts} times, browser saw {browser.Visible.Count}, cache {browser.Cache.Count}");
        Assert.True(responder.Conflicts > 0, "mutated announcements of our own names should have caused conflicts");
        Assert.True(parsed > Iterations / 50, "mutations should often stay parseable, or the fuzzer only tests the header check");
        Assert.True(rejected > Iterations / 10);
    }
}
