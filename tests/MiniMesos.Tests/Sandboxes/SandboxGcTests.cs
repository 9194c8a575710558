using MiniMesos.Core.Agent;
using Xunit;

namespace MiniMesos.Tests.Sandboxes;

public sealed class SandboxGcTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OldSandboxesGoFirstAndDiskPressureTakesTheOldestUntilEnoughIsFree()
    {
        var entries = new[]
        {
            new SandboxEntry("week-old", Now.AddDays(-8), 10),
            new SandboxEntry("yesterday", Now.AddDays(-1), 300),
            new SandboxEntry("hour", Now.AddHours(-1), 500),
            new SandboxEntry("minute", Now.AddMinutes(-1), 50),
        };
        Assert.Equal(["week-old"], SandboxGc.Select(entries, Now, TimeSpan.FromDays(7), freeBytes: 10_000, wantFreeBytes: 1_000));
        // 100 free, 700 wanted: the old one (10), then yesterday (300) and the hour-old one (500) are needed.
        Assert.Equal(["week-old", "yesterday", "hour"], SandboxGc.Select(entries, Now, TimeSpan.FromDays(7), freeBytes: 100, wantFreeBytes: 700));
        Assert.Empty(SandboxGc.Select(entries, Now, TimeSpan.FromDays(30), freeBytes: 10_000, wantFreeBytes: 1_000));
    }
}

public sealed class SandboxCollectorTests
{
    [Fact]
    public void OnlyReportedSandboxesPastTheirAgeAreDeleted()
    {
        var root = Directory.CreateTempSubdirectory("minimesos-gc-").FullName;
        var removed = new List<string>();
        try
        {
            string Sandbox(string id, bool reported, DateTime endedAt)
            {
                var dir = Directory.CreateDirectory(Path.Combine(root, "sandboxes", id)).FullName;
                var meta = Directory.CreateDirectory(Path.Combine(root, "meta", id)).FullName;
                File.WriteAllText(Path.Combine(meta, "stdout"), new string('x', 100));
                if (reported)
                {
                    var marker = Path.Combine(meta, MiniMesos.Net.Agent.SandboxCollector.ReportedMarker);
                    File.WriteAllText(marker, "TASK_FINISHED\n");
                    File.SetLastWriteTimeUtc(marker, endedAt);
                }
                return dir;
            }
            var old = Sandbox("old", true, DateTime.UtcNow.AddDays(-10));
            var fresh = Sandbox("fresh", true, DateTime.UtcNow.AddMinutes(-5));
            var running = Sandbox("running", false, DateTime.UtcNow.AddDays(-10));
            var collector = new MiniMesos.Net.Agent.SandboxCollector(Path.Combine(root, "sandboxes"), Path.Combine(root, "meta"), TimeSpan.FromDays(7), 0,
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, removed.Add);
            Assert.Equal(1, collector.Collect(DateTimeOffset.UtcNow));
            Assert.False(Directory.Exists(old));
            Assert.False(Directory.Exists(Path.Combine(root, "meta", "old")));
            Assert.Equal(["old"], removed);
            Assert.True(Directory.Exists(fresh));
            Assert.True(Directory.Exists(running));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
