using MiniMesos.Core.Raft;
using MiniMesos.Net.Hosts;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A real master started in this process (its host, the task that ends when it stops, how to stop it, its API).</summary>
internal sealed record RunningMaster(MasterHost Host, Task Stopped, CancellationTokenSource Stop, int ApiPort, string Token, TimeSpan Patience)
{
    public MiniMesos.Net.Cli.ApiClient Client() => new("127.0.0.1", ApiPort, Token);

    public async Task StopAsync()
    {
        if (!Stop.IsCancellationRequested) await Stop.CancelAsync();
        await Stopped.WaitAsync(Patience);
    }

    /// <summary>The one leader every master agrees on, once there is one (a TimeoutException after <paramref name="patience"/>).</summary>
    public static Task<RunningMaster> LeaderAsync(IReadOnlyList<RunningMaster> masters, TimeSpan patience) =>
        LeaderAmongAsync(masters, m => m.Host, patience);

    /// <summary>As <see cref="LeaderAsync"/>, for tests that keep their masters in another shape.</summary>
    public static async Task<T> LeaderAmongAsync<T>(IReadOnlyList<T> masters, Func<T, MasterHost> host, TimeSpan patience)
    {
        T? One()
        {
            var leaders = masters.Where(m => host(m).Raft.Status.Role == RaftRole.Leader).ToList();
            return leaders.Count == 1 && masters.All(m => host(m).Raft.Status.Leader == host(leaders[0]).Raft.Id) ? leaders[0] : default;
        }
        return (await Eventually.MatchAsync(() => Task.FromResult(One()), leader => leader is not null, "a single leader that every master agrees on",
            patience, poll: TimeSpan.FromMilliseconds(20), describe: _ => string.Join(", ", masters.Select(m => host(m).Raft.Status.Role))))!;
    }
}
