using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// A leader told to stop hands leadership over before it goes. Found by bench/failover: the stopping leader
/// stopped its cluster port (where the other masters' Raft messages arrive) at the same moment, so it never
/// heard the transfer succeed ("could not be handed", a second lost) and could not finish a transfer whose
/// target needed one more append first (then writes stopped for a whole election timeout).
/// </summary>
[Trait("Category", "Slow")]
public sealed class GracefulHandoverTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("minimesos-handover-").FullName;
    private readonly ClusterSecret _secret = new(ClusterSecret.Generate(), "test");
    private readonly StringWriter _log = new();
    private readonly List<(MasterHost Host, Task Stopped, CancellationTokenSource Stop)> _masters = [];
    private LineLoggerProvider _logs = null!;

    public async Task InitializeAsync()
    {
        _logs = new LineLoggerProvider("test", LogLevel.Information, TextWriter.Synchronized(_log));
        var ports = Enumerable.Range(0, 3).Select(_ => (Api: InProcessCluster.FreePort(), Cluster: InProcessCluster.FreePort())).ToList();
        var joins = ports.Select(p => $"127.0.0.1:{p.Cluster}").ToList();
        var starts = ports.Select(async (p, i) =>
        {
            var stop = new CancellationTokenSource();
            var (host, stopped) = await MasterHost.StartAsync(new MasterOptions(
                new IPEndPoint(IPAddress.Loopback, p.Api), new IPEndPoint(IPAddress.Loopback, p.Cluster), Path.Combine(_dir, $"m{i}"), "test",
                _secret, "127.0.0.1", joins, BootstrapExpect: 3), _logs, stop.Token);
            return (host, stopped, stop);
        }).ToList();
        _masters.AddRange(await Task.WhenAll(starts).WaitAsync(Patience));
    }

    public async Task DisposeAsync()
    {
        foreach (var (_, stopped, stop) in _masters)
        {
            if (!stop.IsCancellationRequested) await stop.CancelAsync();
            await stopped.WaitAsync(Patience);
        }
        _logs.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task AStoppingLeaderHandsOverAndHearsThatItDid()
    {
        var leader = await LeaderAsync(_masters);
        var clock = Stopwatch.StartNew();
        await leader.Stop.CancelAsync();
        await leader.Stopped.WaitAsync(Patience);
        var stoppedAfter = clock.Elapsed;
        var survivors = _masters.Where(m => m != leader).ToList();
        var next = await LeaderAsync(survivors);

        var log = _log.ToString();
        Assert.False(log.Contains("could not be handed"), log);
        Assert.Contains($"leadership handed to master {next.Host.Raft.Id}", log);
        // Not a speed figure (bench/failover measures that): a stop that waited out its handover deadline or hung.
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(5), $"the leader took {stoppedAfter.TotalMilliseconds:0} ms to stop");
    }

    private static Task<(MasterHost Host, Task Stopped, CancellationTokenSource Stop)> LeaderAsync(
        IReadOnlyList<(MasterHost Host, Task Stopped, CancellationTokenSource Stop)> masters) =>
        RunningMaster.LeaderAmongAsync(masters, m => m.Host, Patience);
}
