using System.Net;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// `minimesos token rotate --admin` on three real masters over TLS. Each master advertises its cluster port through a relay
/// on its own loopback address (127.0.0.2-4), so one master can be cut off from the others (a partition) without stopping
/// it. An agent holding the admin token connects to the masters directly.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AdminRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = ThreeMasters.Patience;
    private readonly ThreeMasters _trio = new("minimesos-rotate-e2e-", LogLevel.Information);
    private readonly List<TcpRelay> _relays = [];

    public Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++) _relays.Add(new TcpRelay(Advertised(i), _trio.Ports[i].Cluster, _trio.Ports[i].Cluster));
        return Task.CompletedTask;
    }

    /// <summary>The three masters (each advertising its relay) and the agent; <paramref name="grace"/>: the previous admin secret's grace.</summary>
    private Task StartAsync(TimeSpan? grace = null) =>
        _trio.StartAsync((i, api, cluster) => StartMasterAsync(i, api, cluster, _trio.Secret.Token, grace));

    private IReadOnlyList<string> Joins => _trio.Ports.Select((p, i) => $"{Advertised(i)}:{p.Cluster}").ToList();

    public async Task DisposeAsync()
    {
        await _trio.DisposeAsync();
        foreach (var relay in _relays) await relay.DisposeAsync();
    }

    [Fact]
    public async Task RotatingTheAdminTokenRefusesTheOldOneKeepsTheAgentAndAPartitionedFollowerCatchesUp()
    {
        await StartAsync();
        var leader = await RunningMaster.LeaderAsync(_trio.Masters, Patience);
        var fingerprint = ClusterCa.Fingerprint(leader.Host.Service.ClusterCa!.Certificate);
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Tls.Fingerprint == fingerprint), "every master serves from the cluster CA", Patience);
        var cutOff = _trio.Masters.First(m => m != leader);
        var other = _trio.Masters.First(m => m != leader && m != cutOff);
        using var old = Client(leader, _trio.Secret.Token);
        var running = await old.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "exec sleep 300"], null, "kept", 0.1, 16, null), CancellationToken.None);
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Service.Task(running.Id)?.State == TaskState.Running), "the task runs, every master knows", Patience);

        // A follower is cut off from the others (its outgoing links stay up until the heal drops them).
        _relays[_trio.Masters.IndexOf(cutOff)].Cut();

        // The rotation, asked of the other follower (forwarded to the leader) with the old token, answers the new token.
        using (var viaFollower = Client(other, _trio.Secret.Token))
        {
            var (status, body) = await viaFollower.SendAsync(HttpMethod.Post, "/v1/tokens/admin/rotate", null, CancellationToken.None);
            Assert.True(status == 200, body);
            var view = System.Text.Json.JsonSerializer.Deserialize(body, ApiJsonContext.Api.TokenView)!;
            Assert.Equal("admin", view.Role);
            _rotated = ClusterSecret.Parse(view.Token, "test");
        }
        Assert.Equal(fingerprint, _rotated.CaFingerprint);
        Assert.NotEqual(_trio.Secret.Token, _rotated.Token);
        var connected = new[] { leader, other };

        // Every master that applied it holds the new token, in its data-dir token file (0600), and `token show --admin` prints it.
        await Eventually.TrueAsync(() => connected.All(m => TokenFile(m) == _rotated.Token), "the connected masters' token files hold the new token", Patience);
        foreach (var m in connected)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(DataDir(m), ClusterSecret.FileName)));
        var shown = await CliProcess.RunAsync(["token", "show", "--admin", "--data-dir", DataDir(other)]);
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Equal($"mm1.{fingerprint}.{_rotated.Token}", shown.Stdout.Trim());
        Assert.Equal(_trio.Secret.Token, cutOff.Host.Tls.Roles!.Admin.Token);

        // The old token is refused by the API (saying why) and for a new join, as a master or an agent; the new one works.
        var (refusedStatus, refusedBody) = await old.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None);
        Assert.Equal(401, refusedStatus);
        Assert.Contains("the admin token was rotated", refusedBody);
        using var current = Client(leader, _rotated.Token);
        Assert.Equal(200, (await current.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None)).Status);
        foreach (var role in new[] { "master", "agent" })
        {
            var refused = await Assert.ThrowsAsync<HandshakeRefusedException>(() => DialAsync(leader, "77" + role.Length, role, _trio.Secret));
            Assert.Contains("the admin token was rotated", refused.Message);
        }
        await using (await DialAsync(leader, "78", "agent", _rotated)) { }

        // The agent connected with the old token keeps its session: its task runs on, and it runs a new one.
        Assert.Equal(TaskState.Running, leader.Host.Service.Task(running.Id)!.State);
        var after = await current.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "echo after"], null, "after", 0.1, 16, null), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await current.GetTaskAsync(after.Id, CancellationToken.None)).State == "TASK_FINISHED", "a task after the rotation runs",
            Patience);

        // The partition heals and every link is dialled again: the cut-off follower, which still holds the old token, is
        // let in by the others as a known master, catches up with the log and takes the new token from it.
        Assert.Null(cutOff.Host.Service.AdminRotation);
        _relays[_trio.Masters.IndexOf(cutOff)].Heal();
        foreach (var relay in _relays) relay.DropAll();
        await Eventually.TrueAsync(() => cutOff.Host.Service.Task(after.Id)?.State == TaskState.Finished, "the cut-off follower catches up with the log", Patience);
        await Eventually.TrueAsync(() => TokenFile(cutOff) == _rotated.Token, "the cut-off follower writes the new token", Patience);
        Assert.Equal(_rotated.Token, cutOff.Host.Tls.Roles!.Admin.Token);
        // Both ways: the others dialled it with the new secret and fell back to the previous one; it dialled them with the previous one.
        var log = _trio.Log.ToString();
        Assert.Contains($"link to master {cutOff.Host.Raft.Id} on the previous admin token", log);
        Assert.Contains($"link from master {cutOff.Host.Raft.Id} on the previous admin token", log);
        Assert.Equal(TaskState.Running, cutOff.Host.Service.Task(running.Id)!.State);
        using var viaCaughtUp = Client(cutOff, _rotated.Token);
        Assert.Equal(200, (await viaCaughtUp.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None)).Status);
        using var oldOnCaughtUp = Client(cutOff, _trio.Secret.Token);
        Assert.Equal(401, (await oldOnCaughtUp.SendAsync(HttpMethod.Get, "/v1/tasks", null, CancellationToken.None)).Status);
        // ... and it renews its certificate from the CA, whose key is now sealed under the new token.
        Assert.Equal(fingerprint, cutOff.Host.Tls.Server.Current.CaFingerprint);
        ClusterCa.Unseal(cutOff.Host.Service.ClusterCa!, _rotated.Key).Dispose();
    }

    [Fact]
    public async Task AfterTheGraceAStaleMasterIsKeptOutSaysWhyAndCatchesUpOnceGivenTheNewToken()
    {
        // A short grace, so that it runs out while a follower is cut off during the rotation.
        await StartAsync(TimeSpan.FromSeconds(2));
        var leader = await RunningMaster.LeaderAsync(_trio.Masters, Patience);
        var fingerprint = ClusterCa.Fingerprint(leader.Host.Service.ClusterCa!.Certificate);
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Tls.Fingerprint == fingerprint), "every master serves from the cluster CA", Patience);
        var stale = _trio.Masters.First(m => m != leader);
        var staleIndex = _trio.Masters.IndexOf(stale);
        var connected = _trio.Masters.Where(m => m != stale).ToList();
        _relays[staleIndex].Cut();

        using (var old = Client(leader, _trio.Secret.Token))
        {
            var (status, body) = await old.SendAsync(HttpMethod.Post, "/v1/tokens/admin/rotate", null, CancellationToken.None);
            Assert.True(status == 200, body);
            _rotated = ClusterSecret.Parse(System.Text.Json.JsonSerializer.Deserialize(body, ApiJsonContext.Api.TokenView)!.Token, "test");
        }
        await Eventually.TrueAsync(() => connected.All(m => TokenFile(m) == _rotated.Token), "the connected masters hold the new token", Patience);
        using var current = Client(leader, _rotated.Token);
        var after = await current.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "echo after"], null, "after", 0.1, 16, null), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await current.GetTaskAsync(after.Id, CancellationToken.None)).State == "TASK_FINISHED", "a task after the rotation runs",
            Patience);

        // The grace runs out on the masters that rotated (as each of them sees it)...
        var staleId = stale.Host.Raft.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => connected.All(m => m.Host.Tls.Roles!.PreviousAdminFor(staleId, "master") is null),
            "the previous admin secret's grace has run out on the connected masters", Patience);

        // ... so when the partition heals, the stale master (still on the old token) is refused both ways, and says why.
        _relays[staleIndex].Heal();
        foreach (var relay in _relays) relay.DropAll();
        await Eventually.TrueAsync(() => _trio.Log.ToString().Contains("refused: the admin token was rotated"),
            "the stale master logs that its link was refused for the rotated token", Patience, () => _trio.Log.ToString());
        Assert.Null(stale.Host.Service.Task(after.Id));
        Assert.Null(stale.Host.Service.AdminRotation);
        Assert.Equal(_trio.Secret.Token, stale.Host.Tls.Roles!.Admin.Token);

        // Given the current token (an operator replaces its token file and restarts it), it catches up and takes the rotation.
        await stale.StopAsync();
        var restarted = await StartMasterAsync(staleIndex, _trio.Ports[staleIndex].Api, _trio.Ports[staleIndex].Cluster, _rotated.Token, TimeSpan.FromSeconds(2));
        _trio.Masters[staleIndex] = restarted;
        await Eventually.TrueAsync(() => restarted.Host.Service.Task(after.Id)?.State == TaskState.Finished, "the restarted master catches up with the log", Patience);
        Assert.NotNull(restarted.Host.Service.AdminRotation);
        Assert.Equal(_rotated.Token, restarted.Host.Tls.Roles!.Admin.Token);
        // Its certificate comes from the cluster CA (unsealed with the new token) once it has caught up: a moment later.
        await Eventually.TrueAsync(() => restarted.Host.Tls.Server.Current.CaFingerprint == fingerprint, "the restarted master serves from the cluster CA",
            Patience);
    }

    private ClusterSecret _rotated = null!;

    private static IPAddress Advertised(int i) => IPAddress.Parse($"127.0.0.{i + 2}");

    /// <summary>The API listens on the master's own loopback address (the one it advertises, API URL included).</summary>
    private MiniMesos.Net.Cli.ApiClient Client(RunningMaster m, string token) => new(Advertised(_trio.Masters.IndexOf(m)).ToString(), m.ApiPort, token);

    private string DataDir(RunningMaster m) => _trio.DataDir(_trio.Masters.IndexOf(m));

    private string? TokenFile(RunningMaster m)
    {
        var path = Path.Combine(DataDir(m), ClusterSecret.FileName);
        return File.Exists(path) ? ClusterSecret.FromFile(path).Token : null;
    }

    private static Task<PeerConnection> DialAsync(RunningMaster master, string node, string role, ClusterSecret secret)
    {
        var identity = new HandshakeOptions(node, role, "test", secret.Key)
        {
            Tls = new ClusterTls(null, new CaTrust(ClusterCa.Fingerprint(master.Host.Service.ClusterCa!.Certificate), null, acceptSelfSigned: false)),
        };
        return PeerConnection.ConnectAsync("127.0.0.1", ((IPEndPoint)ClusterEndpoint(master)).Port, identity, WireOptions.Cluster, CancellationToken.None)
            .WaitAsync(Patience);
    }

    private static EndPoint ClusterEndpoint(RunningMaster master) =>
        IPEndPoint.Parse(master.Host.Directory.Self.ClusterAddress.Replace(master.Host.Directory.Self.ClusterAddress.Split(':')[0], "127.0.0.1"));

    private async Task<RunningMaster> StartMasterAsync(int i, int api, int cluster, string token, TimeSpan? grace)
    {
        var stop = new CancellationTokenSource();
        var dataDir = _trio.DataDir(i);
        // The data dir holds the token file, as a master that generated its own or was installed with one.
        Directory.CreateDirectory(dataDir);
        var tokenPath = Path.Combine(dataDir, ClusterSecret.FileName);
        File.WriteAllText(tokenPath, token + "\n");
        File.SetUnixFileMode(tokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (host, stopped) = await MasterHost.StartAsync(new MasterOptions(
            new IPEndPoint(Advertised(i), api), new IPEndPoint(IPAddress.Loopback, cluster), dataDir, "test",
            null, Advertised(i).ToString(), Joins, BootstrapExpect: 3, AdminTokenGrace: grace), _trio.Logs, stop.Token);
        return new RunningMaster(host, stopped, stop, api, token, Patience);
    }
}
