using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>`minimesos doctor` run for real on this host, as a separate process.</summary>
[Trait("Category", "Slow")]
public sealed class CliDoctorTests
{
    [Fact]
    public async Task DoctorReportsEveryItemAndItsExitCodeFollowsTheFailures()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-doctor-");
        using var held = new TcpListener(IPAddress.Any, 0);
        held.Start();
        var busy = ((IPEndPoint)held.LocalEndpoint).Port;
        try
        {
            var (code, stdout, stderr) = await CliProcess.RunAsync(
                ["doctor", "--json", "--data-dir", Path.Combine(dir.FullName, "m"), "--work-dir", Path.Combine(dir.FullName, "a"),
                 "--port", busy.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var report = JsonDocument.Parse(stdout);
            var checks = report.RootElement.GetProperty("checks").EnumerateArray().ToList();
            string Status(string name) => checks.Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString()!;
            Assert.Equal("fail", Status($"port-{busy}"));   // really held above
            Assert.Equal("ok", Status("libssl"));           // the test host runs the API: it has them
            Assert.Equal("ok", Status("data-dir"));         // a fresh temp dir, creatable
            foreach (var name in new[] { "root", "cgroup2", "cgroup-delegation", "namespaces", "mdns", "clock", "work-dir", "disk-agent", "disk-master" })
                Assert.Contains(checks, c => c.GetProperty("name").GetString() == name);
            Assert.Equal(1, code);
            Assert.False(report.RootElement.GetProperty("ok").GetBoolean());
            Assert.DoesNotContain("   at ", stderr);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task AnUnknownRoleIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(["doctor", "--role", "banana"]);
        Assert.Equal(2, code);
        Assert.Contains("banana", stderr);
    }
}
