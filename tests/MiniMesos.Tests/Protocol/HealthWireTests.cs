using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

public sealed class HealthWireTests
{
    [Fact]
    public void LaunchHealthChecksAndReportsDecodeToTheSameValues()
    {
        var check = new HealthCheckSpec("TCP", PortIndex: 1, GracePeriodSeconds: 1.5, IntervalSeconds: 2, TimeoutSeconds: 0.25, MaxConsecutiveFailures: 4);
        var launch = (LaunchTask)MessageCodec.Decode(MessageCodec.Encode(new LaunchTask("a.1", "a.1", ["x"], new Dictionary<string, string>(), 1, 1, HealthChecks: [check])),
            MessagePackLimits.Default);
        Assert.Equal(check, Assert.Single(launch.HealthChecks!));
        var plain = (LaunchTask)MessageCodec.Decode(MessageCodec.Encode(new LaunchTask("t", "t", ["x"], new Dictionary<string, string>(), 1, 1)),
            MessagePackLimits.Default);
        Assert.Null(plain.HealthChecks);

        var tally = new InstanceHealth(0, 3, true, false, FirstSuccessAtMs: 5, LastSuccessAtMs: 6, LastFailureAtMs: 7, LastFailureCause: "refused");
        var report = (HealthReport)MessageCodec.Decode(MessageCodec.Encode(new HealthReport(new TaskHealth("a.1", [new CheckHealth(HealthStatus.Unhealthy, tally)]))),
            MessagePackLimits.Default);
        var (status, decoded) = Assert.Single(report.Health.Checks);
        Assert.Equal(HealthStatus.Unhealthy, status);
        Assert.Equal(tally, decoded);
    }

    [Fact]
    public void CheckpointRoundTripsAndBadOnesNameTheProblem()
    {
        var watch = new HealthWatch(123, [new HealthCheckSpec("COMMAND", "true")], new Dictionary<string, string> { ["PORT0"] = "31001" });
        var back = HealthWire.DecodeCheckpoint(HealthWire.EncodeCheckpoint(watch));
        Assert.Equal(123, back.StartedAtMs);
        Assert.Equal(watch.Checks, back.Checks);
        Assert.Equal("31001", back.Env["PORT0"]);
        Assert.Contains("malformed", Assert.Throws<ProtocolException>(() => HealthWire.DecodeCheckpoint([0xc1])).Message);
        var launch = MessageCodec.Encode(new LaunchTask("t", "t", ["x"], new Dictionary<string, string>(), 1, 1));
        Assert.Contains("not a health checkpoint", Assert.Throws<ProtocolException>(() => HealthWire.DecodeCheckpoint(launch)).Message);
    }

    [Fact]
    public void AReportWithAnUnknownStatusIsRejectedNamingIt()
    {
        var bytes = MessageCodec.Encode(new HealthReport(new TaskHealth("a.1", [new CheckHealth(HealthStatus.Healthy, new InstanceHealth(0, LastOk: true))])));
        // Same length, so the MessagePack string header stays valid.
        var at = bytes.AsSpan().IndexOf("healthy"u8);
        Assert.True(at >= 0);
        bytes[at + 6] = (byte)'z';
        var e = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(bytes, MessagePackLimits.Default));
        Assert.Contains("healthz", e.Message);
    }
}
