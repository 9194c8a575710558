using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

public sealed class MessageCodecTests
{
    private static readonly WireMessage[] Messages =
    [
        new RegisterAgent("a1", "pi1", 4, 3800, 120000, new Dictionary<string, string> { ["arch"] = "arm64" }, ["memory controller missing"]),
        new AgentRegistered("a1"),
        new LaunchTask("t.1", "t", ["/bin/sh", "-c", "echo hi"], new Dictionary<string, string> { ["A"] = "b" }, 0.5, 64),
        new KillTask("t.1", 5000),
        new StatusUpdate("u1", "t.1", "TASK_FAILED", 3, null, "exit 3"),
        new StatusUpdate("u2", "t.1", "TASK_KILLED", null, 15, null),
        new StatusAck("u1"),
        new LogRead(7, "t.1", "stdout", 1 << 20, 65536),
        new LogData(7, [1, 2, 3, 0, 255], 1 << 20, null),
        new LogData(8, [], 0, "no such task"),
        new Ping(1),
        new Ping(2, 51_200, 120_000),
        new Pong(long.MaxValue),
        new LaunchTask("app.1", "app.1", ["/bin/sh", "-c", "serve"], new Dictionary<string, string> { ["PORT0"] = "31000" }, 0.1, 16, HealthChecks:
            [new Core.Frameworks.Apps.HealthCheckSpec("HTTP", Path: "/health", GracePeriodSeconds: 1.5, IntervalSeconds: 2, TimeoutSeconds: 0.25),
             new Core.Frameworks.Apps.HealthCheckSpec("COMMAND", "test -f ok", MaxConsecutiveFailures: 0)]),
        new HealthReport(new Core.Frameworks.Apps.TaskHealth("app.1", [
            new Core.Frameworks.Apps.CheckHealth(Core.Frameworks.Apps.HealthStatus.Failing,
                new Core.Frameworks.Apps.InstanceHealth(0, 2, true, false, FirstSuccessAtMs: 5, LastSuccessAtMs: 6, LastFailureAtMs: 7, LastFailureCause: "HTTP 503")),
            new Core.Frameworks.Apps.CheckHealth(Core.Frameworks.Apps.HealthStatus.Unknown, new Core.Frameworks.Apps.InstanceHealth(0)),
        ])),
        new ServiceTableUpdate(3, 0, [new Core.Routing.ServiceRoute(10000, "/web", "web.home.arpa",
            [new Core.Routing.ServiceEndpoint("web.1", "198.18.0.2", 31000), new Core.Routing.ServiceEndpoint("web.2", "198.18.0.3", 31004)]),
            new Core.Routing.ServiceRoute(10001, "/db", null, [])], []),
        new ServiceTableUpdate(4, 3, [], [10001]),
        new MeshStatus(2, 4, new Dictionary<string, string> { ["80"] = "virtual hosts: permission denied" }),
    ];

    [Fact]
    public void RoundTrips()
    {
        foreach (var message in Messages) RoundTrip(message);
    }

    private static void RoundTrip(WireMessage message)
    {
        var decoded = MessageCodec.Decode(MessageCodec.Encode(message), MessagePackLimits.Default);
        Assert.Equal(message.Type, decoded.Type);
        // Records with collections compare by reference: compare the re-encoding instead.
        Assert.Equal(MessageCodec.Encode(message), MessageCodec.Encode(decoded));
    }

    [Fact]
    public void UnknownTypesAreKeptNotFatal()
    {
        var decoded = MessageCodec.Decode(Encode((ref MessagePackWriter w) => { w.WriteMapHeader(2); w.WriteString("t"); w.WriteString("future"); w.WriteString("x"); w.WriteInt64(1); }),
            MessagePackLimits.Default);
        Assert.Equal("future", Assert.IsType<UnknownMessage>(decoded).UnknownType);
    }

    [Fact]
    public void MissingOrMistypedFieldsAreNamed()
    {
        var missing = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(
            Encode((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.WriteString("t"); w.WriteString("kill"); }), MessagePackLimits.Default));
        Assert.Contains("'task_id'", missing.Message);
        var mistyped = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(
            Encode((ref MessagePackWriter w) => { w.WriteMapHeader(3); w.WriteString("t"); w.WriteString("kill"); w.WriteString("task_id"); w.WriteString("x"); w.WriteString("grace_ms"); w.WriteString("soon"); }),
            MessagePackLimits.Default));
        Assert.Contains("'grace_ms'", mistyped.Message);
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode([0x93, 1, 2, 3], MessagePackLimits.Default));
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode([0x81, 0xa1], MessagePackLimits.Default));
    }

    [Fact]
    public void RandomBytesNeverEscapeAsOtherExceptions()
    {
        var random = new Random(1234);
        var valid = Messages.Select(MessageCodec.Encode).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])valid[i % valid.Length].Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) bytes = bytes[..random.Next(bytes.Length)];
            try
            {
                MessageCodec.Decode(bytes, MessagePackLimits.Default);
            }
            catch (ProtocolException)
            {
            }
        }
    }

    private delegate void WriteAction(ref MessagePackWriter writer);

    private static byte[] Encode(WriteAction write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        return buffer.WrittenSpan.ToArray();
    }
}
