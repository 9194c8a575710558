using System.Net;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Discovery;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Logging;
using Xunit;

namespace MiniMesos.Tests.Discovery;

/// <summary>
/// The cluster CA in mDNS, on real multicast between lab hosts: a node holding an mm1 token dials only masters that advertise
/// its CA (or none yet), and a master's advertisement carries its CA once known, as python-zeroconf reads it.
/// </summary>
[Trait("Category", "Slow")]
[Collection(LabCollection.Name)]
public sealed class MdnsCaPinTests(LabFixture lab)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly string Ours = new('a', 64);
    private static readonly string Theirs = new('b', 64);

    [Fact]
    public async Task ANodeWithAPinnedTokenIgnoresMastersOfAnotherCaAndAdvertisesItsOwn()
    {
        lab.RequireZeroconf();
        using var browse = new OracleProcess(lab.Host(2), "zc_browse.py", LabFixture.Address(2), "60");
        await browse.WaitForAsync("READY", Patience);
        using var friend = new OracleProcess(lab.Host(2), "zc_register.py", LabFixture.Address(2), "friend master", "5051", "60",
            "role=master", "cluster=lab-cluster", "node=f1", "ver=1", $"ca={Ours}");
        using var stranger = new OracleProcess(lab.Host(3), "zc_register.py", LabFixture.Address(3), "stranger master", "5051", "60",
            "role=master", "cluster=lab-cluster", "node=s1", "ver=1", $"ca={Theirs}");
        await friend.WaitForAsync("REGISTERED", Patience);
        await stranger.WaitForAsync("REGISTERED", Patience);

        var log = new StringWriter();
        using var logs = new LineLoggerProvider("test", LogLevel.Debug, TextWriter.Synchronized(log));
        var discovery = Netns.Run(lab.Host(1), () => NodeDiscovery.Start("master", "lab-cluster", "n1", 5051, 5050, LabFixture.Address(1),
            [IPAddress.Parse(LabFixture.Address(1))], logs.CreateLogger("mdns"), pinnedCa: Ours));
        await using var _ = discovery;
        await discovery.AdvertiseCaAsync(Ours);

        await Eventually.TrueAsync(() => discovery.Masters.Contains("198.18.0.2:5051"), "the master advertising our CA is found", Patience);
        await Eventually.TrueAsync(() => log.ToString().Contains($"ignoring master stranger master: it advertises cluster CA {Theirs}"),
            "the master of another CA is ignored, with a log line", Patience, context: log.ToString);
        Assert.DoesNotContain("198.18.0.3:5051", discovery.Masters);

        // python-zeroconf reads our CA in our advertisement's TXT (in its first resolution, or in the update that follows).
        const string name = "master n1._minimesos._tcp.local.";
        var added = await browse.WaitForAsync("Added", Patience, l => l.GetProperty("name").GetString() == name);
        if (Ca(added) != Ours) await browse.WaitForAsync("Updated", Patience, l => l.GetProperty("name").GetString() == name && Ca(l) == Ours);
    }

    private static string? Ca(System.Text.Json.JsonElement line) =>
        line.TryGetProperty("txt", out var txt) && txt.TryGetProperty("ca", out var ca) ? ca.GetString() : null;
}
