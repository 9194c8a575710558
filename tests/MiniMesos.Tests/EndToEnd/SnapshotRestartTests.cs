using System.Net;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A real master with its SQLite data dir, restarted after its log was compacted into a snapshot.</summary>
[Trait("Category", "Slow")]
public sealed class SnapshotRestartTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("minimesos-snapshot-restart-").FullName;
    private readonly ClusterSecret _secret = new(ClusterSecret.Generate(), "test");
    private readonly LineLoggerProvider _logs = new("test", LogLevel.Warning, TextWriter.Synchronized(new StringWriter()));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ARestartedMasterKeepsWhatItsSnapshotHolds()
    {
        // Compacting every 4 entries: the 12 submitted tasks end up mostly in the snapshot, only the tail in the log.
        var submitted = new List<string>();
        await using (var master = await StartAsync())
        {
            for (var i = 0; i < 12; i++)
                submitted.Add((await master.Client.SubmitAsync(new TaskSubmitRequest(["true"], null, $"snap{i}", 0.1, 16, null), CancellationToken.None)).Id);
        }
        await using (var restarted = await StartAsync())
        {
            IReadOnlyList<string> known = [];
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    known = (await restarted.Client.TasksAsync(CancellationToken.None)).Tasks.Select(t => t.Id).ToList();
                }
                catch (HttpRequestException)
                {
                    // Not leading yet: it elects itself within a second or two.
                }
                return known.Count >= submitted.Count;
            }, "the restarted master lists every task", Patience, () => $"it lists {string.Join(",", known)}", TimeSpan.FromMilliseconds(100));
            Assert.Equal(submitted.Order(StringComparer.Ordinal), known.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task RoleWeightsInTheSnapshotSurviveARestart()
    {
        var weights = Enumerable.Range(1, 6).ToDictionary(i => $"team{i}", i => i * 1.5);
        await using (var master = await StartAsync())
        {
            foreach (var (role, weight) in weights)
            {
                var (status, body) = await master.Client.SendAsync(HttpMethod.Put, $"/v1/roles/{role}",
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"weight\":{weight}}}"), CancellationToken.None);
                Assert.True(status == 200, body);
            }
        }
        await using var restarted = await StartAsync();
        Dictionary<string, double> known = [];
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                var list = System.Text.Json.JsonSerializer.Deserialize(await restarted.Client.GetJsonAsync("/v1/roles", CancellationToken.None),
                    ApiJsonContext.Api.RoleList)!;
                known = list.Roles.Where(r => r.Name != "*").ToDictionary(r => r.Name, r => r.Weight);
            }
            catch (Net.Cli.CliException)
            {
                // Not leading yet.
            }
            return known.Count >= weights.Count;
        }, "the restarted master lists every role", Patience, () => $"it lists {string.Join(",", known.Keys)}", TimeSpan.FromMilliseconds(100));
        Assert.Equal(weights, known);
    }

    private async Task<RunningMaster> StartAsync()
    {
        var stop = new CancellationTokenSource();
        var api = InProcessCluster.FreePort();
        var (_, stopped) = await MasterHost.StartAsync(new MasterOptions(new IPEndPoint(IPAddress.Loopback, api),
            new IPEndPoint(IPAddress.Loopback, InProcessCluster.FreePort()), Path.Combine(_dir, "master"), "test", _secret,
            RaftCompactEvery: 4), _logs, stop.Token).WaitAsync(Patience);
        return new RunningMaster(new("127.0.0.1", api, _secret.Token), stopped, stop);
    }

    private sealed record RunningMaster(Net.Cli.ApiClient Client, Task Stopped, CancellationTokenSource Stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Stopped.WaitAsync(Patience);
            Client.Dispose();
            Stop.Dispose();
        }
    }
}
