using MiniMesos.Core.Model;
using MiniMesos.Net.Backup;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Backups and lost-quorum recovery on three real masters: a backup taken through a follower and restored through
/// the API replaces the state on every master; a survivor of two lost masters is recovered, leads alone and takes a
/// fresh master; an offline restore makes a one-master cluster from a backup.
/// </summary>
public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task ABackupRestoredThroughTheApiReplacesTheStateOnEveryMaster()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var follower = _trio.Masters.First(m => m != leader);
        using var client = follower.Client();
        await PutRoleAsync(client, "before", 2);
        var kept = await SubmitWithRetryAsync(client, Shell("sleep 300"));
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Service.Task(kept.Id)?.State == TaskState.Running), "the first task runs everywhere", Patience);

        // Every master reports its version, so the cluster reads the restore command.
        var status = await client.StatusAsync(CancellationToken.None);
        Assert.All(status.Masters, m => Assert.Equal(BuildInfo.Version, m.Version));
        Assert.Equal(Core.State.FeatureGate.Current, status.ClusterFeatureLevel);

        var file = await client.SnapshotAsync(CancellationToken.None);
        var header = SnapshotFile.ReadHeader(file);
        Assert.Equal("test", header.Cluster);
        Assert.True(header.Index > 0);
        Assert.Equal(1, header.Counts.LiveTasks);
        Assert.Equal(1, header.Counts.Roles);

        // After the backup: a change and a task the backup does not hold.
        await PutRoleAsync(client, "after", 3);
        var later = await SubmitWithRetryAsync(client, Shell("sleep 300"));
        await Eventually.TrueAsync(() => leader.Host.Service.Task(later.Id)?.State == TaskState.Running, "the second task runs", Patience);

        var damaged = (byte[])file.Clone();
        damaged[^1] ^= 1;
        var refused = await Assert.ThrowsAsync<CliException>(() => client.RestoreSnapshotAsync(damaged, false, CancellationToken.None));
        Assert.Contains("checksum", refused.Message);
        Assert.Contains("nothing was changed", refused.Message);
        Assert.Contains(_trio.Masters, m => m.Host.Service.Task(later.Id) is not null);
        // More than the API's usual 1 MiB body limit passes a follower to the leader, which names what is wrong.
        var large = new byte[2 << 20];
        file.AsSpan(0, 16).CopyTo(large);
        var tooLong = await Assert.ThrowsAsync<CliException>(() => client.RestoreSnapshotAsync(large, false, CancellationToken.None));
        Assert.Contains("snapshot", tooLong.Message);
        Assert.DoesNotContain("413", tooLong.Message);

        var restored = await client.RestoreSnapshotAsync(file, false, CancellationToken.None);
        Assert.Equal(header.Index, restored.Index);
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Service.Task(later.Id) is null
            && m.Host.Service.RoleViews().Roles.All(r => r.Name != "after")
            && m.Host.Service.RoleViews().Roles.Any(r => r.Name == "before")), "every master holds the restored state", Patience);
        // The agent registered again and reported what it runs: the task of the backup still runs, exactly once, and
        // the task the backup does not know was killed (it is in no master's state, so nothing reports it).
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Service.Task(kept.Id)?.State == TaskState.Running), "the backed-up task runs", Patience);
        Assert.Single(leader.Host.Service.Tasks(), t => !t.State.IsTerminal());
    }

    [Fact]
    public async Task ASurvivorOfALostQuorumIsRecoveredLeadsAloneAndTakesAFreshMaster()
    {
        var leader = await LeaderAsync(_trio.Masters);
        using (var client = leader.Client()) await PutRoleAsync(client, "kept", 4);
        var ports = _trio.Masters.Select(m => (Api: m.ApiPort, Cluster: ClusterPort(m))).ToList();
        var survivorDir = Path.Combine(_trio.Dir, "master0");
        // Let each master write down whom it knows (once a second), then stop the survivor.
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(survivorDir, "peers")) && File.ReadAllLines(Path.Combine(survivorDir, "peers")).Length == 3,
            "the survivor's peers file", Patience);
        await _trio.Masters[0].StopAsync();

        string[] recover = ["master", "recover", "--data-dir", survivorDir, "--cluster", "test"];
        Assert.Equal(ExitCodes.UsageError, await CommandLine.InvokeAsync(recover));
        // Refused while the others answer on their cluster ports.
        Assert.Equal(ExitCodes.RuntimeError, await CommandLine.InvokeAsync([.. recover, "--yes-i-lost-quorum"]));

        await _trio.Masters[1].StopAsync();
        await _trio.Masters[2].StopAsync();
        Assert.Equal(ExitCodes.Success, await CommandLine.InvokeAsync([.. recover, "--yes-i-lost-quorum"]));

        var survivor = await StartMasterAsync(0, ports[0].Api, ports[0].Cluster, []);
        _trio.Masters.Clear();
        _trio.Masters.Add(survivor);
        await Eventually.TrueAsync(() => survivor.Host.Raft.IsLeader, "the survivor leads", Patience);
        Assert.Equal([survivor.Host.Raft.Id], survivor.Host.Raft.Status.Voters);
        Assert.Equal(4, survivor.Host.Service.RoleViews().Roles.Single(r => r.Name == "kept").Weight);

        using var alone = survivor.Client();
        await PutRoleAsync(alone, "afterwards", 5);
        var api = InProcessCluster.FreePort();
        var clusterPort = InProcessCluster.FreePort();
        var fresh = await StartMasterAsync(7, api, clusterPort, [$"127.0.0.1:{ports[0].Cluster}"], expect: 0);
        _trio.Masters.Add(fresh);
        await alone.AddMasterAsync(fresh.Host.Raft.Id, $"127.0.0.1:{clusterPort}", CancellationToken.None);
        await Eventually.TrueAsync(() => fresh.Host.Service.RoleViews().Roles.Any(r => r.Name == "afterwards"), "the fresh master caught up", Patience);
        Assert.Equal(4, fresh.Host.Service.RoleViews().Roles.Single(r => r.Name == "kept").Weight);
    }

    [Fact]
    public async Task AnOfflineRestoreMakesAOneMasterClusterFromABackup()
    {
        var leader = await LeaderAsync(_trio.Masters);
        byte[] file;
        using (var client = leader.Client())
        {
            await PutRoleAsync(client, "saved", 6);
            file = await client.SnapshotAsync(CancellationToken.None);
        }
        var path = Path.Combine(_trio.Dir, "backup" + SnapshotFile.Extension);
        await File.WriteAllBytesAsync(path, file);
        var dir = Path.Combine(_trio.Dir, "master5");
        string[] restore = ["snapshot", "restore", path, "--data-dir", dir, "--cluster", "test", "--token", _trio.Secret.Token];
        Assert.Equal(ExitCodes.RuntimeError, await CommandLine.InvokeAsync([.. restore[..^4], "--cluster", "other", "--token", _trio.Secret.Token]));
        Assert.False(File.Exists(Path.Combine(dir, "raft.db")));
        Assert.Equal(ExitCodes.Success, await CommandLine.InvokeAsync(restore));
        // A second restore into the same dir is refused: it holds a store now.
        Assert.Equal(ExitCodes.RuntimeError, await CommandLine.InvokeAsync(restore));

        var alone = await StartMasterAsync(5, InProcessCluster.FreePort(), InProcessCluster.FreePort(), []);
        _trio.Masters.Add(alone);
        await Eventually.TrueAsync(() => alone.Host.Raft.IsLeader, "the restored master leads", Patience);
        Assert.Equal(6, alone.Host.Service.RoleViews().Roles.Single(r => r.Name == "saved").Weight);
    }

    [Fact]
    public async Task ScheduledBackupsAreWholeOwnerOnlyFilesAndTheOldestBeyondTheRetainCountGo()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var follower = _trio.Masters.First(m => m != leader);
        using (var client = follower.Client()) await PutRoleAsync(client, "scheduled", 2);
        await Eventually.TrueAsync(() => follower.Host.Service.RoleViews().Roles.Any(r => r.Name == "scheduled"), "the follower applied the write", Patience);
        var dir = Path.Combine(_trio.Dir, "usb");
        // The names carry the time to the second: a simulated clock moves a second between two backups.
        var clock = new Master.Simulation.SimClock();
        var schedule = new SnapshotSchedule(new BackupService(follower.Host.Raft, follower.Host.Service, "test", _trio.Secret.Token, clock),
            dir, TimeSpan.FromHours(1), retain: 2, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var written = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            written.Add(await schedule.SaveOnceAsync(CancellationToken.None) ?? throw new InvalidOperationException("no snapshot written"));
            clock.Advance(1000);
        }
        var kept = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(written.Skip(1), kept);
        foreach (var path in kept)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var (header, _) = BackupService.OpenChecked(await File.ReadAllBytesAsync(path), "test", _trio.Secret.Token, forceCluster: false);
            Assert.True(header.Counts.Roles >= 1);
        }
    }

    private static async Task PutRoleAsync(ApiClient client, string role, double weight)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Put, $"/v1/roles/{role}",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"weight\":{weight}}}"), CancellationToken.None);
        Assert.True(status == 200, body);
    }
}
