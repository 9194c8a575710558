using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Three real masters started together in this process (they bootstrap one cluster once they know each other) and an agent
/// connected to them: the set-up the multi-master end-to-end tests share. How each master starts (addresses, token file)
/// is the test's; its data dir is <see cref="DataDir"/>. Disposing stops the agents, then the masters, and deletes the dir.
/// </summary>
internal sealed class ThreeMasters : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _agentStop = new();
    private readonly List<Task> _agents = [];

    public ThreeMasters(string prefix, LogLevel level)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Logs = new LineLoggerProvider("test", level, Log.Writer);
        Ports = Enumerable.Range(0, 3).Select(_ => (InProcessCluster.FreePort(), InProcessCluster.FreePort())).ToList();
    }

    public string Dir { get; }
    public ClusterSecret Secret { get; } = new(ClusterSecret.Generate(), "test");
    /// <summary>Every line the masters and agents logged.</summary>
    public SharedLog Log { get; } = new();
    public LineLoggerProvider Logs { get; }
    public List<RunningMaster> Masters { get; } = [];
    public IReadOnlyList<(int Api, int Cluster)> Ports { get; }

    public string DataDir(int i) => Path.Combine(Dir, $"master{i}");

    /// <summary>Starts the three masters with <paramref name="startMaster"/> (index, API port, cluster port), then one agent that dials them on 127.0.0.1.</summary>
    public async Task StartAsync(Func<int, int, int, Task<RunningMaster>> startMaster)
    {
        Masters.AddRange(await Task.WhenAll(Ports.Select((p, i) => startMaster(i, p.Api, p.Cluster))).WaitAsync(Patience));
        await StartAgentAsync(Ports.Select(p => ("127.0.0.1", p.Cluster)).ToList(), "agent");
    }

    /// <summary>An agent (4 CPUs, 4 GiB, 1 GiB disk, no isolation) that dials <paramref name="masters"/>, once it has registered.</summary>
    public async Task StartAgentAsync(IReadOnlyList<(string Host, int Port)> masters, string name)
    {
        var agent = AgentHost.Start(new AgentOptions([.. masters], Path.Combine(Dir, name), "test", Secret, IsolationMode.None,
            new ResourceOverrides(4, 4096, 1024)), Logs, _agentStop.Token);
        _agents.Add(agent.Stopped);
        await agent.Connector.Registered.Task.WaitAsync(Patience);
    }

    public async ValueTask DisposeAsync()
    {
        await _agentStop.CancelAsync();
        foreach (var master in Masters) await master.StopAsync();
        await Task.WhenAll(_agents).WaitAsync(Patience);
        Logs.Dispose();
        _agentStop.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
