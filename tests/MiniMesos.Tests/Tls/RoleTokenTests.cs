using System.Net;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;
using MiniMesos.Tests.EndToEnd;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>Role-scoped tokens on a real master and agents over TLS: what an agent token may do, and rotating it.</summary>
public sealed class RoleTokenTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnAgentTokenRegistersAnAgentThatRunsTasksAndIsRefusedEverythingElse()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var agentToken = await AgentTokenAsync(cluster);
        Assert.StartsWith($"mm1.{cluster.CaFingerprint}.{AgentSecret.Prefix}", agentToken);

        // The agent joins with it and runs what the admin submits.
        await cluster.StartAgentAsync("scoped", ClusterSecret.Parse(agentToken, "test"), "test");
        using var admin = cluster.Client();
        await RunToFinishAsync(admin, "scoped");

        // The API refuses it with 403 naming the role, for writes and reads alike.
        using var asAgent = cluster.Client(ClusterSecret.Parse(agentToken, "test").Token);
        var (status, body) = await asAgent.SendAsync(HttpMethod.Post, "/v1/tasks", """{"cmd":"true","cpus":0.1,"mem":16}""", CancellationToken.None);
        Assert.Equal(403, status);
        Assert.Contains("agent token: role 'agent' only registers agents", body);
        Assert.Equal(403, (await asAgent.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None)).Status);
        Assert.Equal(403, (await asAgent.SendAsync(HttpMethod.Post, "/v1/tokens/agent/rotate", null, CancellationToken.None)).Status);
        Assert.Single(Lines(cluster, "refused POST /v1/tasks"));

        // On the cluster port it cannot join as a master nor subscribe a framework: refused before any proof, naming the role.
        foreach (var role in new[] { "master", "framework" })
        {
            var refused = await Assert.ThrowsAsync<HandshakeRefusedException>(() => DialAsync(cluster, role, agentToken));
            Assert.Contains($"an agent token only registers an agent: role '{role}' needs the admin token", refused.Message);
            await Eventually.TrueAsync(() => Lines(cluster, $"role '{role}' needs the admin token").Count == 1, $"one log line for the {role} refusal", Patience);
        }
        Assert.Single(cluster.Master.Service.Agents());

        // The admin token still does everything, and a master refuses to start with an agent token as its secret.
        await using (await DialAsync(cluster, "framework", cluster.PinnedToken)) { }
        var options = new MasterOptions(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0), Path.Combine(cluster.Dir, "m2"), "test",
            ClusterSecret.Parse(agentToken, "test"));
        var wrong = await Assert.ThrowsAsync<ConfigException>(() => MasterHost.StartAsync(options, new NullLogs(), CancellationToken.None));
        Assert.Contains("this is an agent token", wrong.Message);
    }

    [Fact]
    public async Task RotatingTheAgentTokenRefusesTheOldOneForNewJoinsKeepsConnectedAgentsAndSurvivesARestart()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var oldToken = await AgentTokenAsync(cluster);
        await cluster.StartAgentAsync("before", ClusterSecret.Parse(oldToken, "test"), "test");

        using var admin = cluster.Client();
        var (status, body) = await admin.SendAsync(HttpMethod.Post, "/v1/tokens/agent/rotate", null, CancellationToken.None);
        Assert.Equal(200, status);
        var newToken = System.Text.Json.JsonSerializer.Deserialize(body, ApiJsonContext.Api.TokenView)!.Token;
        Assert.StartsWith($"mm1.{cluster.CaFingerprint}.{AgentSecret.Prefix}", newToken);
        Assert.NotEqual(oldToken, newToken);
        await Eventually.TrueAsync(() => AgentTokenFile(cluster) == newToken, "the master keeps the new agent token in its data dir", Patience);

        // The Raft log holds the new secret sealed, never in clear.
        var secret = ClusterSecret.Parse(newToken, "test").Token;
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(cluster.Dir, "master"), "raft.db*"));
        foreach (var file in Directory.GetFiles(Path.Combine(cluster.Dir, "master"), "raft.db*"))
            Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) >= 0, $"the rotated agent secret is in {file} in clear");

        // The connected agent keeps working; a new join with the old token is refused, with the new one it registers.
        await RunToFinishAsync(admin, "before");
        await cluster.StartAgentAsync("old-token", ClusterSecret.Parse(oldToken, "test"), "test", waitForRegistration: false);
        await Eventually.TrueAsync(() => Lines(cluster, "wrong agent token").Count > 0, "the old agent token is refused", Patience);
        Assert.Single(cluster.Master.Service.Agents());
        await cluster.StartAgentAsync("after", ClusterSecret.Parse(newToken, "test"), "test");

        // A restarted master still unseals the CA key (its certificate comes from the CA) and the rotated agent secret.
        await cluster.RestartMasterAsync();
        await Eventually.TrueAsync(() => cluster.Master.Tls.Server.Current.CaFingerprint == cluster.CaFingerprint, "the restarted master serves a CA certificate",
            Patience);
        Assert.Equal(ClusterSecret.Parse(newToken, "test").Token, cluster.Master.Tls.Roles!.AgentToken);
        await cluster.StartAgentAsync("after-restart", ClusterSecret.Parse(newToken, "test"), "test");
        using var again = cluster.Client();
        await RunToFinishAsync(again, "after-restart");
    }

    [Fact]
    public async Task AnOldBackupRestoresWithTheTokenOfItsTimeAndARestartedMasterFollowsItsDataDir()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var agentToken = await AgentTokenAsync(cluster);
        await cluster.StartAgentAsync("agent", ClusterSecret.Parse(agentToken, "test"), "test");
        using var old = cluster.Client();
        var before = await old.SubmitAsync(new TaskSubmitRequest(null, "true", "before", 0.1, 16, null), CancellationToken.None);
        var backup = await old.SnapshotAsync(CancellationToken.None);

        // The CLI rotates it and prints the new token, pinned to the CA; asked for both or neither, it says which to give.
        var master = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.PinnedToken, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var unsure = await CliProcess.RunAsync(["token", "rotate", "--admin", "--agent"], master);
        Assert.Equal(2, unsure.ExitCode);
        Assert.Contains("--agent or --admin", unsure.Stderr);
        var rotated = await CliProcess.RunAsync(["token", "rotate", "--admin"], master);
        Assert.True(rotated.ExitCode == 0, rotated.Stderr);
        Assert.Contains("admin token rotated: the old one is refused now", rotated.Stderr);
        var next = ClusterSecret.Parse(rotated.Stdout.Trim(), "test");
        Assert.Equal(cluster.CaFingerprint, next.CaFingerprint);
        Assert.NotEqual(cluster.Secret.Token, next.Token);
        var again = await CliProcess.RunAsync(["token", "rotate", "--admin"], master);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("the admin token was rotated", again.Stderr);
        using var admin = cluster.Client(next.Token);
        await RunToFinishAsync(admin, "after");
        // The agent token did not change (the derived one is pinned, sealed under the new admin secret).
        Assert.Equal(agentToken, AgentTokenFile(cluster));

        // The backup of before is sealed under the old token: the current one does not open it; given the old one, it is
        // restored, its CA key and agent secret re-sealed under the current token, so the master still opens them.
        var refused = await Assert.ThrowsAsync<CliException>(() => admin.RestoreSnapshotAsync(backup, false, CancellationToken.None));
        Assert.Contains("another cluster token", refused.Message);
        var backupFile = Path.Combine(cluster.Dir, "before.mmsnap");
        var oldTokenFile = Path.Combine(cluster.Dir, "old-token");
        await File.WriteAllBytesAsync(backupFile, backup);
        await File.WriteAllTextAsync(oldTokenFile, cluster.PinnedToken + "\n");
        var viaCli = await CliProcess.RunAsync(["snapshot", "restore", backupFile, "--snapshot-token-file", oldTokenFile],
            new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = next.Pinned(cluster.CaFingerprint), ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" });
        Assert.True(viaCli.ExitCode == 0, viaCli.Stderr);
        await Eventually.TrueAsync(() => cluster.Master.Service.Tasks().Any(t => t.Id == before.Id) && cluster.Master.Service.Tasks().All(t => t.Spec.Name != "after"),
            "the backup's state is back", Patience);
        Assert.Equal(ClusterSecret.Parse(agentToken, "test").Token, cluster.Master.Tls.Roles!.AgentToken);
        ClusterCa.Unseal(cluster.Master.Service.ClusterCa!, next.Key).Dispose();
        Assert.Equal(401, (await old.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None)).Status);
        // A backup taken now opens with the new token.
        var fresh = await admin.SnapshotAsync(CancellationToken.None);
        await admin.RestoreSnapshotAsync(fresh, false, CancellationToken.None);

        // Restarted with the old token file (its data dir carries the rotation in raft.db, sealed under that token), the
        // master takes the new token again: the old one stays refused, the new one works, the agent token still registers.
        await cluster.RestartMasterAsync();
        await Eventually.TrueAsync(() => cluster.Master.Tls.Server.Current.CaFingerprint == cluster.CaFingerprint, "the restarted master serves a CA certificate",
            Patience);
        Assert.Equal(next.Token, cluster.Master.Tls.Roles!.Admin.Token);
        using var afterRestart = cluster.Client(next.Token);
        await Eventually.TrueAsync(async () => (await afterRestart.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None)).Status == 200,
            "the new token works after the restart", Patience);
        using var oldAfterRestart = cluster.Client();
        Assert.Equal(401, (await oldAfterRestart.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None)).Status);
        await cluster.StartAgentAsync("after-restart", ClusterSecret.Parse(agentToken, "test"), "test");
    }

    private static async Task<string> AgentTokenAsync(InProcessCluster cluster)
    {
        await Eventually.TrueAsync(() => AgentTokenFile(cluster) is not null, "the master writes its agent token", Patience);
        return AgentTokenFile(cluster)!;
    }

    /// <summary>What `minimesos token show --agent` prints: the data dir's agent token, pinned to the CA.</summary>
    private static string? AgentTokenFile(InProcessCluster cluster)
    {
        var path = Path.Combine(cluster.Dir, "master", MasterTls.AgentTokenFile);
        return File.Exists(path) ? ClusterSecret.FromFile(path).Pinned(cluster.CaFingerprint) : null;
    }

    private static async Task RunToFinishAsync(ApiClient client, string name)
    {
        var task = await client.SubmitAsync(new TaskSubmitRequest(null, "true", name, 0.1, 16, null), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await client.GetTaskAsync(task.Id, CancellationToken.None)).State == "TASK_FINISHED",
            $"task {task.Id} finishes", Patience);
    }

    private static Task<PeerConnection> DialAsync(InProcessCluster cluster, string role, string token)
    {
        var secret = ClusterSecret.Parse(token, "test");
        var identity = new HandshakeOptions($"intruder-{role}", role, "test", secret.Key)
        {
            Key = secret.HandshakeKey,
            Tls = new ClusterTls(null, new CaTrust(cluster.CaFingerprint, null, acceptSelfSigned: false)),
        };
        return PeerConnection.ConnectAsync("127.0.0.1", cluster.ClusterPort.Port, identity, WireOptions.Cluster, CancellationToken.None).WaitAsync(Patience);
    }

    private static List<string> Lines(InProcessCluster cluster, string text) =>
        cluster.Log.ToString().Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    private sealed class NullLogs : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }
    }
}
