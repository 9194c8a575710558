using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Tests.Master.Simulation;
using Xunit;

namespace MiniMesos.Tests.Master;

/// <summary>
/// A leader whose wall clock jumps by hours (a board without an RTC at its first NTP sync) while its monotonic clock
/// runs on normally, on a fake clock: agent silence and the gone timeout follow the monotonic clock only.
/// </summary>
public sealed class WallClockJumpTests
{
    private static readonly AgentRecord Agent = new("a1", "host1", new Resources(4, 4096), new Dictionary<string, string>(), 0);
    private static readonly AgentTimeouts Timeouts = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
    private const long Hour = 3_600_000;

    [Fact]
    public async Task WallClockJumpsNeitherMarkAgentsUnreachableNorDelayTheirRemoval()
    {
        var clock = new SimClock();
        var master = new MasterService(clock, NullLogger.Instance) { Timeouts = Timeouts };
        master.Attach(new LaggingLogFake(master));
        var channel = new RecordingAgentFake();
        await master.AgentConnectedAsync(Agent, channel, CancellationToken.None);

        // Connected and heard a second ago: the wall clock leaps forward, then back, past both timeouts.
        foreach (var jump in new[] { 5 * Hour, -7 * Hour, 3 * Hour })
        {
            clock.Advance(1_000);
            clock.JumpWall(jump);
            master.Heard(Agent.Id);
            await master.MaintainAsync(CancellationToken.None);
            Assert.Equal(AgentMode.Active, master.Mode(Agent.Id));
        }

        // Disconnected: silence counts on the monotonic clock whatever the wall clock does.
        await master.AgentDisconnectedAsync(Agent.Id, channel, "test");
        clock.Advance(1_000);
        clock.JumpWall(6 * Hour);
        await master.MaintainAsync(CancellationToken.None);
        Assert.Equal(AgentMode.Active, master.Mode(Agent.Id));
        clock.Advance(8_000);
        await master.MaintainAsync(CancellationToken.None);
        Assert.Equal(AgentMode.Active, master.Mode(Agent.Id));
        clock.Advance(1_000);
        await master.MaintainAsync(CancellationToken.None);
        Assert.Equal(AgentMode.Unreachable, master.Mode(Agent.Id));

        // Unreachable: a wall clock jump forward does not remove it early, one backwards does not hold it.
        clock.JumpWall(2 * Hour);
        clock.Advance(59_000);
        await master.MaintainAsync(CancellationToken.None);
        Assert.Contains(master.Agents(), a => a.Agent.Id == Agent.Id);
        clock.JumpWall(-9 * Hour);
        clock.Advance(1_000);
        await master.MaintainAsync(CancellationToken.None);
        Assert.DoesNotContain(master.Agents(), a => a.Agent.Id == Agent.Id);
    }

    [Fact]
    public void ARetryWaitsItsBackoffOnTheMonotonicClockWhateverTheWallClockDoes()
    {
        const long now = 1_000_000, elapsed = 500, notBefore = now + 30_000;
        var deadline = RetryDeadline.Deadline(notBefore, now, elapsed, 30_000);
        Assert.Equal(elapsed + 30_000, deadline);
        // Wall clock 5 h ahead, 1 s later: still waiting (Decide sees a time before the not-before).
        Assert.True(RetryDeadline.DecideAt(notBefore, now + 5 * Hour, deadline, elapsed + 1_000) < notBefore);
        // Wall clock 5 h behind, the backoff over: due (Decide sees at least the not-before).
        Assert.True(RetryDeadline.DecideAt(notBefore, now - 5 * Hour, deadline, elapsed + 30_000) >= notBefore);
        // A not-before hours ahead of a leader that just took over (its wall clock was behind) waits at most the backoff.
        Assert.Equal(elapsed + 30_000, RetryDeadline.Deadline(now + 4 * Hour, now, elapsed, 30_000));
        Assert.Equal(elapsed, RetryDeadline.Deadline(now - Hour, now, elapsed, 30_000));
    }
}
