using MiniMesos.Core.Frameworks.Jobs;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Jobs;

public sealed class JobSpecValidatorTests
{
    private static readonly JobSpec Good = new("nightly-backup", Cmd: "backup.sh", Schedule: "30 2 * * *", Retry: new RetryPolicy(3));

    private static List<string> Errors(JobSpec job) => JobSpecValidator.Validate(job).Select(e => e.ToString()).ToList();

    [Fact]
    public void AGoodSpecHasNoErrors()
    {
        Assert.Empty(Errors(Good));
        Assert.Empty(Errors(Good with { Schedule = "R/2026-01-01T00:00:00Z/P1D" }));
        Assert.Empty(Errors(Good with { Schedule = null, Cmd = null, Args = ["tar", "c", "/srv"] }));
    }

    [Theory]
    [InlineData("cron", "schedule: hour: 25 is out of range 0-23")]
    [InlineData("iso", "schedule: period: unknown designator 'X' in 'P1X'")]
    [InlineData("id", "id: 'Nightly Backup' is not a valid job id")]
    [InlineData("cmd", "cmd: exactly one of cmd or args must be given")]
    [InlineData("retries", "retry.maxRetries: must be >= 0, got -1")]
    [InlineData("cap", "retry.maxBackoffSeconds: must be >= backoffSeconds (10), got 5")]
    [InlineData("cpus", "cpus: must be > 0, got NaN")]
    public void EachBadFieldIsNamed(string which, string expected)
    {
        var job = which switch
        {
            "cron" => Good with { Schedule = "0 25 * * *" },
            "iso" => Good with { Schedule = "R/2026-01-01T00:00:00Z/P1X" },
            "id" => Good with { Id = "Nightly Backup" },
            "cmd" => Good with { Cmd = "" },
            "retries" => Good with { Retry = new RetryPolicy(-1) },
            "cap" => Good with { Retry = new RetryPolicy(1, 10, 2, 5) },
            "cpus" => Good with { Cpus = double.NaN },
            _ => throw new ArgumentException(which),
        };
        Assert.Contains(Errors(job), e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
