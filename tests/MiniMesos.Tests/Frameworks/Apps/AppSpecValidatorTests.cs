using MiniMesos.Core.Frameworks.Apps;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

public sealed class AppSpecValidatorTests
{
    private static readonly AppSpec Good = new("/web/frontend", Cmd: "python3 -m http.server $PORT0", Ports: 1,
        HealthChecks: [new HealthCheckSpec("HTTP", Path: "/", IntervalSeconds: 10, TimeoutSeconds: 5)]);

    private static List<string> Errors(AppSpec app) => AppSpecValidator.Validate(app).Select(e => e.ToString()).ToList();

    [Fact]
    public void AGoodSpecHasNoErrors() => Assert.Empty(Errors(Good));

    [Fact]
    public void UnknownConstraintOperatorIsNamedByPath() =>
        Assert.Contains(Errors(Good with { Constraints = [["hostname", "UNIQ"]] }),
            e => e.StartsWith("constraints[0][1]: unknown operator 'UNIQ'", StringComparison.Ordinal));

    [Theory]
    [InlineData("cpus", "cpus: must be between 0.001 and 1024, got 0")]
    [InlineData("tinyCpus", "cpus: must be between 0.001 and 1024, got 1E-320")]
    [InlineData("mem", "mem: must be between 1 and 16777216 MiB, got -1")]
    [InlineData("longId", "id: is 109 characters long; at most 108")]
    [InlineData("id", "id: 'Bad_ID' is not a valid app id")]
    [InlineData("both", "args: exactly one of cmd or args must be given")]
    [InlineData("none", "cmd: exactly one of cmd or args must be given")]
    [InlineData("instances", "instances: must be >= 0, got -2")]
    [InlineData("factor", "backoffFactor: must be >= 1, got 0.5")]
    [InlineData("upgrade", "upgradeStrategy.minimumHealthCapacity: must be between 0 and 1, got 1.5")]
    [InlineData("hcPort", "healthChecks[0].portIndex: 1 is not one of the app's 1 port(s)")]
    [InlineData("hcProto", "healthChecks[0].protocol: unknown protocol 'UDP'")]
    public void EachBadFieldIsNamed(string which, string expected)
    {
        var app = which switch
        {
            "cpus" => Good with { Cpus = 0 },
            "tinyCpus" => Good with { Cpus = 1e-320 },
            "mem" => Good with { Mem = -1 },
            "longId" => Good with { Id = "/" + new string('a', 109) },
            "id" => Good with { Id = "Bad_ID" },
            "both" => Good with { Args = ["x"] },
            "none" => Good with { Cmd = null },
            "instances" => Good with { Instances = -2 },
            "factor" => Good with { BackoffFactor = 0.5 },
            "upgrade" => Good with { UpgradeStrategy = new UpgradeStrategy(1.5, 0) },
            "hcPort" => Good with { HealthChecks = [new HealthCheckSpec("TCP", PortIndex: 1)] },
            "hcProto" => Good with { HealthChecks = [new HealthCheckSpec("UDP")] },
            _ => throw new ArgumentException(which),
        };
        var errors = Errors(app);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
