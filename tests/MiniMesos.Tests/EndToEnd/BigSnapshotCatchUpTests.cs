using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Three real masters (Raft over TCP, SQLite in temp dirs, default 16 MiB frames) on loopback: a follower that was down while
/// the leader's state grew past one frame and its log was compacted catches up through a snapshot sent in chunks.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class BigSnapshotCatchUpTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    // Each task carries this much env (the API takes bodies up to 1 MiB), so the 22 or more of 30 that a snapshot compacted every 8 entries holds pass
    // 16 MiB; spread over values the kernel can pass (under 128 KiB each, as the API requires).
    private const int EnvBytes = 900_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("minimesos-bigsnap-").FullName;
    private readonly ClusterSecret _secret = new(ClusterSecret.Generate(), "test");
    private readonly StringWriter _log = new();
    private readonly List<RunningMaster> _masters = [];
    private readonly List<(int Api, int Cluster)> _ports = Enumerable.Range(0, 3).Select(_ => (InProcessCluster.FreePort(), InProcessCluster.FreePort())).ToList();
    private LineLoggerProvider _logs = null!;

    public async Task InitializeAsync()
    {
        _logs = new LineLoggerProvider("test", LogLevel.Information, TextWriter.Synchronized(_log));
        _masters.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartMasterAsync(i, expect: 3))).WaitAsync(Patience));
    }

    public async Task DisposeAsync()
    {
        foreach (var master in _masters) await master.StopAsync();
        _logs.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task AFollowerBehindTheCompactionPointCatchesUpThroughAChunkedSnapshot()
    {
        var tasks = int.TryParse(Environment.GetEnvironmentVariable("MINIMESOS_BIGSNAP_TASKS"), out var n) ? n : 30;
        var leader = await RunningMaster.LeaderAsync(_masters, Patience);
        var index = _masters.FindIndex(m => m != leader);
        await _masters[index].StopAsync();

        using (var client = leader.Client())
        {
            for (var i = 0; i < tasks; i++)
            {
                var env = Enumerable.Range(0, 8).ToDictionary(k => $"BIG{k}", _ => new string((char)('a' + i % 26), EnvBytes / 8));
                await client.SubmitAsync(new TaskSubmitRequest(["true"], null, $"big{i}", 0.1, 16, env), CancellationToken.None);
            }
        }
        var expected = Describe(leader);
        Assert.Equal(tasks, expected.Count);

        var clock = Stopwatch.StartNew();
        var restarted = await StartMasterAsync(index, expect: 0);
        _masters[index] = restarted;
        await Eventually.TrueAsync(() => Describe(restarted).Count >= tasks, "the restarted master has every task", Patience, poll: TimeSpan.FromMilliseconds(100));
        clock.Stop();

        Assert.Equal(expected, Describe(restarted));
        // It came through a snapshot larger than one frame, in several chunks (the log was compacted past its last index).
        var received = ReceivedSnapshot().Matches(_log.ToString()).Select(m => (Bytes: long.Parse(m.Groups[1].Value), Chunks: int.Parse(m.Groups[2].Value))).ToList();
        Assert.Contains(received, r => r.Bytes > WireOptions.DefaultMaxFrameBytes && r.Chunks > 1);
        output.WriteLine($"{tasks} tasks, snapshot {received.Max(r => r.Bytes)} bytes in {received.Max(r => r.Chunks)} chunks, caught up in {clock.ElapsedMilliseconds} ms, " +
            $"peak working set of this test process {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
        Assert.Equal(leader.Host.Raft.Id, restarted.Host.Raft.Status.Leader);
    }

    /// <summary>Every task as id, name and a digest of its env: the same on every master that has the same state.</summary>
    private static List<string> Describe(RunningMaster master) => master.Host.Service.Tasks()
        .Select(t => $"{t.Id} {t.Spec.Name} {string.Join(",", t.Spec.Env.Select(e => $"{e.Key}={e.Value.Length}:{e.Value[0]}{e.Value[^1]}"))}")
        .Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"raft: received InstallSnapshot of (\d+) bytes from master \d+ in (\d+) chunks")]
    private static partial Regex ReceivedSnapshot();

    private async Task<RunningMaster> StartMasterAsync(int i, int expect)
    {
        var stop = new CancellationTokenSource();
        var joins = _ports.Select(p => $"127.0.0.1:{p.Cluster}").ToList();
        // No tail below the snapshots (a master keeps 5,000 entries, far more than this test writes): the follower must need the snapshot.
        var (host, stopped) = await MasterHost.StartAsync(new MasterOptions(
            new IPEndPoint(IPAddress.Loopback, _ports[i].Api), new IPEndPoint(IPAddress.Loopback, _ports[i].Cluster), Path.Combine(_dir, $"master{i}"),
            "test", _secret, "127.0.0.1", joins, BootstrapExpect: expect, RaftCompactEvery: 8,
            RaftKeepBelowSnapshot: 0), _logs, stop.Token).WaitAsync(Patience);
        return new RunningMaster(host, stopped, stop, _ports[i].Api, _secret.Token, Patience);
    }


}
