using System.Net;
using System.Text.Json;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.Discovery;

/// <summary>
/// Our advertiser and browser against python-zeroconf (an implementation we did not write), each side on its
/// own lab host, real multicast over the lab bridge.
/// </summary>
[Trait("Category", "Slow")]
[Collection(LabCollection.Name)]
public sealed class MdnsInteropTests(LabFixture lab, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, string> Txt = new()
    {
        [ServiceInstance.RoleKey] = "master",
        [ServiceInstance.ClusterKey] = "lab-cluster",
        [ServiceInstance.NodeIdKey] = "7f3a9c",
        [ServiceInstance.VersionKey] = "0.1.0",
        ["api"] = "5050",
        ["cluster_port"] = "5051",
    };

    private static double Epoch(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;

    private static MdnsOptions On(int host) => new([IPAddress.Parse(LabFixture.Address(host))]);

    [Fact]
    public async Task PythonZeroconfResolvesOurAdvertisementAndSeesOurGoodbye()
    {
        lab.RequireZeroconf();
        using var python = new OracleProcess(lab.Host(2), "zc_browse.py", LabFixture.Address(2), "60");
        await python.WaitForAsync("READY", Patience);

        var instance = new ServiceInstance("master one", 5051, Txt, []);
        DateTimeOffset stopping;
        var started = DateTimeOffset.UtcNow;
        var advertiser = Netns.Run(lab.Host(1), () =>
        {
            // Default options: every suitable interface, addresses taken from it.
            var a = new MdnsAdvertiser(instance);
            a.Start();
            return a;
        });
        try
        {
            var added = await python.WaitForAsync("Added", Patience, l => l.GetProperty("name").GetString() == "master one._minimesos._tcp.local.");
            var resolvedMs = (added.GetProperty("t").GetDouble() - Epoch(started)) * 1000;
            Assert.Equal(["198.18.0.1"], added.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!));
            Assert.Equal(5051, added.GetProperty("port").GetInt32());
            var txt = added.GetProperty("txt").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(Txt.OrderBy(p => p.Key), txt.OrderBy(p => p.Key));
            output.WriteLine($"python-zeroconf resolved our advertisement {resolvedMs:F0} ms after start (includes our ~750 ms probing)");
            // Bounds that tell the failure modes apart on a loaded box, not speed figures (bench/ times discovery).
            Assert.True(resolvedMs < 10_000, $"resolution took {resolvedMs:F0} ms");

            // A browser that starts later learns about us only by asking: this times our answers.
            using var late = new OracleProcess(lab.Host(3), "zc_browse.py", LabFixture.Address(3), "30");
            var ready = await late.WaitForAsync("READY", Patience);
            var lateAdded = await late.WaitForAsync("Added", Patience);
            Assert.Equal(5051, lateAdded.GetProperty("port").GetInt32());
            var answerMs = (lateAdded.GetProperty("t").GetDouble() - ready.GetProperty("t").GetDouble()) * 1000;
            output.WriteLine($"a python-zeroconf browser started later resolved us {answerMs:F0} ms after it began browsing");
            // Unanswered, a late browser never resolves us: our announcements stopped long before it began.
            Assert.True(answerMs < 10_000, $"answer took {answerMs:F0} ms");
        }
        finally
        {
            stopping = DateTimeOffset.UtcNow;
            await advertiser.StopAsync();
        }
        var removed = await python.WaitForAsync("Removed", Patience);
        var goodbyeMs = (removed.GetProperty("t").GetDouble() - Epoch(stopping)) * 1000;
        output.WriteLine($"python-zeroconf saw our goodbye {goodbyeMs:F0} ms after StopAsync was called ");
        // Without the goodbye python would hold us for the SRV TTL (120 s); a few seconds proves the goodbye worked.
        Assert.True(goodbyeMs < 10_000, $"goodbye took {goodbyeMs:F0} ms");
    }

    [Fact]
    public void DefaultInterfacesAreTheHostsEthernetOnly()
    {
        // Inside a lab host: eth0 (198.18.0.2) is chosen, loopback is not.
        Assert.Equal([IPAddress.Parse("198.18.0.2")], Netns.Run(lab.Host(2), MdnsInterfaces.Suitable));
    }

    [Fact]
    public async Task OurBrowserFindsAndLosesAPythonZeroconfService()
    {
        lab.RequireZeroconf();
        var browser = Netns.Run(lab.Host(1), () =>
        {
            var b = new MdnsBrowser("lab-cluster", On(1));
            b.Start();
            return b;
        });
        await using var _ = browser;
        using var events = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = browser.EventsAsync(events.Token).GetAsyncEnumerator(events.Token);
        using var python = new OracleProcess(lab.Host(3), "zc_register.py", LabFixture.Address(3), "py agent", "5151", "60",
            "role=agent", "cluster=lab-cluster", "node=py1", "ver=9.9");
        var registered = await python.WaitForAsync("REGISTERED", Patience);

        var found = await NextAbout(stream, "py agent");
        Assert.Equal(DiscoveryEventKind.Found, found.Kind);
        Assert.Equal("py agent", found.Service.InstanceName);
        Assert.Equal([IPAddress.Parse("198.18.0.3")], found.Service.Addresses);
        Assert.Equal(5151, found.Service.Port);
        Assert.Equal("agent", found.Service.Txt["role"]);
        Assert.Equal("py1", found.Service.Txt["node"]);
        var foundMs = (Epoch(found.At) - registered.GetProperty("t").GetDouble()) * 1000;
        // register_service returns after probing and announcing; we usually find it before (negative figure).
        output.WriteLine($"our browser found the python-zeroconf service {foundMs:F0} ms after its registration returned ({registered.GetProperty("took").GetDouble() * 1000:F0} ms of probing)");

        python.CloseInput();
        var unregistered = await python.WaitForAsync("UNREGISTERED", Patience);
        var removed = await NextAbout(stream, "py agent");
        Assert.Equal(DiscoveryEventKind.Removed, removed.Kind);
        var removedMs = (Epoch(removed.At) - unregistered.GetProperty("t").GetDouble()) * 1000;
        output.WriteLine($"our browser removed it {removedMs:F0} ms after python unregistered (negative: before python returned)");
        Assert.Empty(browser.Visible);
    }

    [Fact]
    public async Task NameConflictsWithPythonZeroconfAreResolvedBothWays()
    {
        lab.RequireZeroconf();
        // We hold "held": python-zeroconf's probe must meet our defence and give up.
        var ours = Netns.Run(lab.Host(1), () => { var a = new MdnsAdvertiser(new ServiceInstance("held", 5051, Txt, []), On(1)); a.Start(); return a; });
        await using var _1 = ours;
        await Eventually.TrueAsync(() => ours.Phase == MdnsResponderPhase.Announced, "our advertiser announced", Patience);
        using (var rival = new OracleProcess(lab.Host(3), "zc_register.py", LabFixture.Address(3), "held", "6000", "30"))
        {
            await rival.WaitForAsync("CONFLICT", Patience);
        }
        Assert.Equal("held", ours.InstanceName);

        // Python holds "taken": our probe must see its defence and rename.
        using var holder = new OracleProcess(lab.Host(3), "zc_register.py", LabFixture.Address(3), "taken", "6000", "30");
        await holder.WaitForAsync("REGISTERED", Patience);
        var late = Netns.Run(lab.Host(2), () => { var a = new MdnsAdvertiser(new ServiceInstance("taken", 5051, Txt, []), On(2)); a.Start(); return a; });
        await using var _2 = late;
        await Eventually.TrueAsync(() => late.Phase == MdnsResponderPhase.Announced, "renamed advertiser announced", Patience);
        Assert.Equal("taken (2)", late.InstanceName);
    }

    [Fact]
    public async Task BrowserAndAdvertiserShareAHostAndTheAdvertiserStillHearsDefences()
    {
        lab.RequireZeroconf();
        using var holder = new OracleProcess(lab.Host(3), "zc_register.py", LabFixture.Address(3), "shared", "6000", "30", "cluster=lab-cluster");
        await holder.WaitForAsync("REGISTERED", Patience);
        // Two sockets on port 5353 in one host: a unicast reply reaches only one of them.
        // The browser's socket is bound last, so the kernel hands unicast replies to it, not to the advertiser.
        var ours = Netns.Run(lab.Host(1), () => { var a = new MdnsAdvertiser(new ServiceInstance("shared", 5051, Txt, []), On(1)); a.Start(); return a; });
        await using var _2 = ours;
        var browser = Netns.Run(lab.Host(1), () => { var b = new MdnsBrowser("lab-cluster", On(1)); b.Start(); return b; });
        await using var _1 = browser;
        var started = DateTime.UtcNow;
        await Eventually.TrueAsync(() => ours.Phase == MdnsResponderPhase.Announced, "advertiser announced", Patience);
        output.WriteLine($"announced as {ours.InstanceName} after {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms, {ours.Conflicts} conflict(s)");
        Assert.Equal("shared (2)", ours.InstanceName);
        await Eventually.TrueAsync(() => browser.Visible.Count == 2, "browser on the same host sees python's and ours", Patience);
        Assert.Equal(6000, browser.Visible.Single(v => v.InstanceName == "shared").Port);
        Assert.Equal(5051, browser.Visible.Single(v => v.InstanceName == "shared (2)").Port);
    }

    [Fact]
    public async Task SameNameOnTwoHostsIsRenamedAndBothAreBrowsable()
    {
        var instance = new ServiceInstance("twin", 5051, Txt, []);
        var first = Netns.Run(lab.Host(1), () => { var a = new MdnsAdvertiser(instance, On(1)); a.Start(); return a; });
        await using var _1 = first;
        await Eventually.TrueAsync(() => first.Phase == MdnsResponderPhase.Announced, "first advertiser announced", Patience);
        var second = Netns.Run(lab.Host(2), () => { var a = new MdnsAdvertiser(instance, On(2)); a.Start(); return a; });
        await using var _2 = second;
        // On a starved machine the first host's defence can arrive after the second finished probing; the
        // conflict is then found after announcing and resolved by probing again (RFC 6762 §9): wait for the end state.
        await Eventually.TrueAsync(() => second.Phase == MdnsResponderPhase.Announced && second.InstanceName == "twin (2)", "second advertiser announced as 'twin (2)'", Patience);
        Assert.Equal("twin", first.InstanceName);

        var browser = Netns.Run(lab.Host(3), () => { var b = new MdnsBrowser("lab-cluster", On(3)); b.Start(); return b; });
        await using var _3 = browser;
        await Eventually.TrueAsync(() => browser.Visible.Count == 2, "browser sees both", Patience);
        var byName = browser.Visible.ToDictionary(s => s.InstanceName);
        Assert.Equal([IPAddress.Parse("198.18.0.1")], byName["twin"].Addresses);
        Assert.Equal([IPAddress.Parse("198.18.0.2")], byName["twin (2)"].Addresses);

        // Address change: re-announced, the browser follows (old address flushed within about a second).
        await second.UpdateAsync(instance with { Addresses = [IPAddress.Parse("198.18.0.2"), IPAddress.Parse("198.18.1.2")] });
        await Eventually.TrueAsync(() => browser.Visible.Any(s => s.InstanceName == "twin (2)" && s.Addresses.Count == 2), "browser sees the new address", Patience);
        await second.UpdateAsync(instance with { Addresses = [IPAddress.Parse("198.18.1.2")] });
        await Eventually.TrueAsync(() => browser.Visible.Any(s => s.InstanceName == "twin (2)" && s.Addresses.SequenceEqual([IPAddress.Parse("198.18.1.2")])),
            "browser drops the withdrawn address", Patience);
    }

    [Fact]
    public async Task AfterAPartitionHealsOneSideKeepsTheNameAndTheOtherRenames()
    {
        var instance = new ServiceInstance("split", 5051, Txt, []);
        MdnsAdvertiser? first = null, second = null;
        lab.Lab("isolate 2");
        try
        {
            first = Netns.Run(lab.Host(1), () => { var a = new MdnsAdvertiser(instance, On(1)); a.Start(); return a; });
            second = Netns.Run(lab.Host(2), () => { var a = new MdnsAdvertiser(instance, On(2)); a.Start(); return a; });
            await Eventually.TrueAsync(() => first.Phase == MdnsResponderPhase.Announced && second.Phase == MdnsResponderPhase.Announced, "both announced", Patience);
            Assert.Equal(("split", "split"), (first.InstanceName, second.InstanceName));
        }
        finally
        {
            lab.Lab("heal");
        }
        await using var _1 = first;
        await using var _2 = second;
        // A browser's query makes both answer; each hears the other, probes again, and the tie-break decides.
        var browser = Netns.Run(lab.Host(3), () => { var b = new MdnsBrowser("lab-cluster", On(3)); b.Start(); return b; });
        await using var _3 = browser;
        await Eventually.TrueAsync(() => first.InstanceName != second.InstanceName &&
                              first.Phase == MdnsResponderPhase.Announced && second.Phase == MdnsResponderPhase.Announced, "names differ", Patience);
        Assert.Equal(["split", "split (2)"], new[] { first.InstanceName, second.InstanceName }.Order());
        await Eventually.TrueAsync(() => browser.Visible.Select(v => v.InstanceName).Order().SequenceEqual(["split", "split (2)"]), "browser sees both names", Patience);
    }

    [Fact]
    public async Task RefreshAfterAnAddressChangeReannouncesTheHostsAddresses()
    {
        var instance = new ServiceInstance("mover", 5051, Txt, []);
        // Default options: the advertiser follows whatever addresses host 2 has.
        var ours = Netns.Run(lab.Host(2), () => { var a = new MdnsAdvertiser(instance); a.Start(); return a; });
        await using var _1 = ours;
        var browser = Netns.Run(lab.Host(3), () => { var b = new MdnsBrowser("lab-cluster", On(3)); b.Start(); return b; });
        await using var _2 = browser;
        var kinds = new System.Collections.Concurrent.ConcurrentQueue<DiscoveryEventKind>();
        browser.Changed += e => kinds.Enqueue(e.Kind);
        await Eventually.TrueAsync(() => browser.Visible.Any(v => v.InstanceName == "mover"), "browser finds the advertiser", Patience);
        Assert.Equal([IPAddress.Parse("198.18.0.2")], Assert.Single(browser.Visible).Addresses);

        var extra = IPAddress.Parse("198.18.0.102");
        lab.Ip($"-n {lab.Host(2)} addr add {extra}/24 dev eth0");
        try
        {
            await Netns.Run(lab.Host(2), ours.RefreshInterfacesAsync);
            await Eventually.TrueAsync(() => browser.Visible.Any(v => v.Addresses.Contains(extra)), "browser sees the added address", Patience);
        }
        finally
        {
            lab.Ip($"-n {lab.Host(2)} addr del {extra}/24 dev eth0");
        }
        await Netns.Run(lab.Host(2), ours.RefreshInterfacesAsync);
        await Eventually.TrueAsync(() => browser.Visible.Any(v => v.Addresses.SequenceEqual([IPAddress.Parse("198.18.0.2")])), "browser drops the removed address", Patience);

        // A bad update is the caller's error and leaves the advertisement running.
        var tooLong = new Dictionary<string, string>(Txt) { ["x"] = new string('v', 300) };
        await Assert.ThrowsAsync<DnsFormatException>(() => ours.UpdateAsync(instance with { Txt = tooLong }));
        Assert.NotEqual(MdnsResponderPhase.Stopped, ours.Phase);
        await ours.UpdateAsync(instance with { Port = 6061 });
        await Eventually.TrueAsync(() => browser.Visible.Any(v => v.Port == 6061), "browser sees the new port", Patience);
        // Address and port changes are updates: the instance never disappears in between.
        Assert.DoesNotContain(DiscoveryEventKind.Removed, kinds);
    }

    [Fact]
    public async Task ClusterFilterHidesOtherClustersOnTheWire()
    {
        var other = Netns.Run(lab.Host(1), () =>
        {
            var a = new MdnsAdvertiser(new ServiceInstance("stranger", 5051, new Dictionary<string, string>(Txt) { ["cluster"] = "other" }, []), On(1));
            a.Start();
            return a;
        });
        await using var _1 = other;
        var mine = Netns.Run(lab.Host(2), () => { var a = new MdnsAdvertiser(new ServiceInstance("friend", 5051, Txt, []), On(2)); a.Start(); return a; });
        await using var _2 = mine;
        var browser = Netns.Run(lab.Host(3), () => { var b = new MdnsBrowser("lab-cluster", On(3)); b.Start(); return b; });
        await using var _3 = browser;
        await Eventually.TrueAsync(() => browser.Visible.Count >= 1, "browser sees its cluster", Patience);
        // The stranger announces too: nothing marks "ignored", so the browser is watched while it would have shown up.
        await Eventually.StaysTrueAsync(() => browser.Visible.Select(v => v.InstanceName).SequenceEqual(["friend"]), "the browser sees only its own cluster",
            TimeSpan.FromMilliseconds(500));
    }

    private static async Task<DiscoveryEvent> NextAbout(IAsyncEnumerator<DiscoveryEvent> stream, string instance)
    {
        while (await stream.MoveNextAsync())
        {
            if (stream.Current.Service.InstanceName == instance) return stream.Current;
        }
        Assert.Fail($"browser stream ended before an event about {instance}");
        throw new InvalidOperationException();
    }
}
