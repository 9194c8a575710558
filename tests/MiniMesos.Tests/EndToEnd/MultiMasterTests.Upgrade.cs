using System.Text.Json;
using System.Text.RegularExpressions;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// A committed entry a master cannot read (what a leader running a newer version writes for an older follower)
/// stops that master's Raft before the entry, never skipping it: skipped, the master's state would drift from the
/// others' for good. Here no master can read it, so every one stops at the same entry, and a restart stops there again.
/// </summary>
public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task AnEntryNoMasterCanReadStopsEachBeforeItAndARestartStopsThereAgainRatherThanSkippingIt()
    {
        var leader = await LeaderAsync(_trio.Masters);
        using (var client = leader.Client())
        {
            var (status, body) = await client.SendAsync(HttpMethod.Put, "/v1/roles/before", """{"weight":2}""", CancellationToken.None);
            Assert.True(status == 200, body);
        }
        // Every master has applied it before the unreadable entry comes (a quorum answering the PUT leaves one behind for a
        // moment, and a master left without a leader later would never learn it).
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Service.RoleViews().Roles.Any(r => r.Name == "before")),
            "every master has applied the role", Patience);

        // An entry kind this version does not know, framed as a newer master would frame it.
        byte[] fromTheFuture = [200, CommandCodec.Version, 0x90];
        var refused = await Assert.ThrowsAsync<NotLeaderException>(() => leader.Host.Raft.ProposeAsync(fromTheFuture, CancellationToken.None));
        Assert.Contains("raft stopped: log entry", refused.Message);

        // The leader stops as it applies the entry; the commit index it sent in the same step reaches the followers
        // unless a link drops it, and a master that never learns the commit has no one left to learn it from (a
        // quorum has stopped). So: every master stops, or a minority is left without a leader; none applies past it.
        static string Describe(IEnumerable<RunningMaster> masters) => string.Join("; ", masters.Select((m, i) =>
            $"master {i}: role {m.Host.Raft.Status.Role}, leader {m.Host.Raft.Status.Leader}, commit {m.Host.Raft.Status.Commit}, applied {m.Host.Raft.Status.Applied}, stopped '{m.Host.Raft.Status.Stopped}'"));
        await Eventually.TrueAsync(() => _trio.Masters.All(m => m.Host.Raft.Status.Stopped is not null)
            || (_trio.Masters.Count(m => m.Host.Raft.Status.Stopped is not null) * 2 > _trio.Masters.Count
                && _trio.Masters.All(m => m.Host.Raft.Status.Stopped is not null || m.Host.Raft.Status.Leader == 0)),
            "every master's Raft has stopped, or all but a leaderless minority", Patience, () => Describe(_trio.Masters));
        var stopped = _trio.Masters.Select(m => m.Host.Raft.Status).Where(s => s.Stopped is not null).ToList();
        var index = ulong.Parse(Regex.Match(stopped[0].Stopped!, @"^log entry (\d+) cannot be read by this master").Groups[1].Value);
        Assert.All(stopped, s =>
        {
            Assert.Equal($"log entry {index} cannot be read", s.Stopped![..$"log entry {index} cannot be read".Length]);
            Assert.Contains("unknown command tag 200", s.Stopped);
            Assert.Contains("run the same minimesos version as the leader", s.Stopped);
            Assert.Equal(index - 1, s.Applied);
        });
        Assert.All(_trio.Masters, m => Assert.True(m.Host.Raft.Status.Applied < index, Describe(_trio.Masters))); // none skipped it
        Assert.All(_trio.Masters, m => Assert.Equal(2, m.Host.Service.RoleViews().Roles.Single(r => r.Name == "before").Weight));

        // It says so where people look, without a stack trace, and takes nothing more.
        using (var client = leader.Client())
        {
            using var health = JsonDocument.Parse(await client.GetJsonAsync("/health", CancellationToken.None));
            Assert.Equal("no_leader", health.RootElement.GetProperty("status").GetString());
        }
        var log = _trio.Log.ToString();
        Assert.Contains($"raft loop stopped: log entry {index} cannot be read", log);
        Assert.DoesNotContain(nameof(UnreadableEntryException), log);
        var after = await Assert.ThrowsAsync<NotLeaderException>(() => leader.Host.Raft.ProposeAsync(fromTheFuture, CancellationToken.None));
        Assert.Contains($"raft stopped: log entry {index}", after.Message);

        // Restarted with the same version, a master replays its log up to the same entry and stops there again.
        var at = _trio.Masters.FindIndex(m => m.Host.Raft.Status.Stopped is not null);
        var first = _trio.Masters[at];
        var clusterPorts = _trio.Masters.Select(m => ClusterPort(m)).ToList();
        await first.StopAsync();
        var again = await StartMasterAsync(at, first.ApiPort, clusterPorts[at], clusterPorts.Select(p => $"127.0.0.1:{p}").ToList());
        _trio.Masters[at] = again;
        await Eventually.TrueAsync(() => again.Host.Raft.Status.Stopped is not null, "the restarted master's Raft stops at the entry", Patience);
        Assert.StartsWith($"log entry {index} cannot be read", again.Host.Raft.Status.Stopped);
        Assert.Equal(index - 1, again.Host.Raft.Status.Applied);
        Assert.Equal(2, again.Host.Service.RoleViews().Roles.Single(r => r.Name == "before").Weight);
    }
}
