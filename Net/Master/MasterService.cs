using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Tasks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Core.Timing;
using MiniMesos.Net.Master.Agents;
using MiniMesos.Net.Master.Leader;
using MiniMesos.Net.Master.Offers;
using MiniMesos.Net.Master.State;
using MiniMesos.Net.Master.Status;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master;

/// <summary>
/// A master's coordinator. Every change is a command proposed to the replicated log and applied, in log order, on
/// every master by <see cref="ReplicatedState"/>, whose read view everything here reads. Only the leader talks to
/// agents: it places waiting tasks, launches them and turns agents' status updates into commands. One lock guards
/// the leader's memory (agent sessions, offers, health); nothing is sent while holding it.
/// </summary>
internal sealed partial class MasterService : IRaftStateMachine
{
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(5);

    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ReplicatedState _replicated;
    private readonly AgentRegistry _agents = new();
    private readonly TaskHealthBook _health = new();
    private readonly StatusBatcher _statuses;
    private readonly ServiceTableFeed _serviceFeed;
    private readonly OfferHub _offers;
    private readonly SemaphoreSlim _scheduling = new(1, 1);
    private IReplicatedLog? _log;

    public MasterService(TimeProvider time, ILogger logger)
    {
        this.time = time;
        this.logger = logger;
        _replicated = new ReplicatedState(logger);
        _statuses = new StatusBatcher(command => ProposeAsync(command, CancellationToken.None), Now);
        _serviceFeed = new ServiceTableFeed(_replicated, _agents, _health, logger);
        _offers = new OfferHub(_replicated, _agents, Elapsed, logger);
        LeaderServices = new LeaderServices(() => _log?.LeadingTerm, logger);
        LeaderServices.Add("service table feed", _serviceFeed.RunAsync);
        LeaderServices.Add("upkeep", RunUpkeepAsync);
        // The agents connected now registered against the old state: dropping them makes each register again and be
        // reconciled against the restored one (tasks it no longer runs become LOST, tasks the state does not place there are killed).
        _replicated.Replaced += () =>
        {
            if (IsLeader) foreach (var agent in ReleaseAgents()) agent.Disconnect();
        };
    }

    /// <summary>The replicated state as applied here: a read-only copy that later commits do not change.</summary>
    private ClusterState ReadView => _replicated.View;

    /// <summary>A lookup or two on the state as applied here (see <see cref="ReplicatedState.Read"/>).</summary>
    private T Read<T>(Func<ClusterState, T> read) => _replicated.Read(read);

    public void Attach(IReplicatedLog log) => _log = log;

    public bool IsLeader => _log?.IsLeader == true;

    /// <summary>The loops only the leader runs, started and stopped with leadership (the host adds the frameworks' loops).</summary>
    public LeaderServices LeaderServices { get; }

    public async Task<TaskRecord> SubmitAsync(TaskSpec spec, CancellationToken cancellationToken)
    {
        var id = $"{spec.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        await ProposeAsync(new SubmitTask(Now(), id, spec), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("task {Task} submitted: {Argv} ({Resources})", id, string.Join(' ', spec.Argv), spec.Resources);
        Kick();
        return Task(id)!;
    }

    public TaskRecord? Task(string id)
    {
        return Read(s => s.Tasks.GetValueOrDefault(id));
    }

    public IReadOnlyList<TaskRecord> Tasks()
    {
        return ReadView.Tasks.Values.OrderBy(t => t.SubmittedAtMs).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<(AgentRecord Agent, Resources Free, bool Connected)> Agents()
    {
        var state = ReadView;
        var connected = ConnectedAgentIds();
        return state.Agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal)
            .Select(a => (a, state.Free(a.Id), connected.Contains(a.Id))).ToList();
    }

    public IReadOnlyList<AppSpec> Apps()
    {
        return ReadView.Apps.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
    }

    public AppSpec? App(string id)
    {
        return Read(s => s.Apps.GetValueOrDefault(id));
    }

    /// <summary>The older config versions kept of an app, newest first.</summary>
    public IReadOnlyList<AppSpec> AppVersions(string id)
    {
        return Read(s => s.AppVersions(id).ToList());
    }

    public async Task<bool> RemoveAppAsync(string id, CancellationToken cancellationToken)
    {
        if (App(id) is null) return false;
        await ProposeAsync(new RemoveApp(Now(), id), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("app {App} removed", id);
        return true;
    }

    /// <summary>What the apps loop decides from, one view: apps, tasks, connected agents with their free resources.</summary>
    public (IReadOnlyList<AppSpec> Apps, IReadOnlyList<TaskRecord> Tasks, IReadOnlyDictionary<string, AgentRecord> AllAgents,
        IReadOnlyList<(AgentRecord Agent, Resources Free)> Connected) AppsView()
    {
        var state = ReadView;
        var connected = ConnectedAgentIds();
        return (state.Apps.Values.ToList(), state.Tasks.Values.ToList(), state.Agents,
            state.Agents.Values.Where(a => connected.Contains(a.Id) && state.AcceptsTasks(a.Id)).OrderBy(a => a.Id, StringComparer.Ordinal)
                .Select(a => (a, state.Free(a.Id))).ToList());
    }

    /// <summary>Commits one task already placed by a framework and sends it to its agent (see <see cref="LaunchBatchAsync"/>).</summary>
    public async Task<bool> LaunchPlacedAsync(string taskId, TaskSpec spec, string agentId, CancellationToken cancellationToken,
        string? frameworkId = null) =>
        (await LaunchBatchAsync([new PlacedLaunch(taskId, spec, agentId, frameworkId)], cancellationToken).ConfigureAwait(false)).Contains(taskId);

    public string? WhyWaiting(TaskRecord task)
    {
        if (task.AgentId is not null || task.State != TaskState.Staging) return null;
        // Some agent could hold it: it waits for the one-shot tasks' framework to be offered room there (DRF may give it to others first).
        return FirstFitPlacement.WhyWaiting(ReadView, task) ?? "waiting for a resource offer";
    }

    /// <summary>Events after <paramref name="afterSeq"/> still in the bounded buffer (the most recent 10,000), oldest first.</summary>
    public IReadOnlyList<ClusterEvent> EventsAfter(long afterSeq)
    {
        return _replicated.Events.After(afterSeq);
    }

    /// <summary>Completes at the next state change (or when cancelled); callers re-read what they watch.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) => _replicated.Signal.WaitAsync(cancellationToken);

    /// <summary>Completes at the next change, never cancelled: for waits that race a timer (<see cref="State.ChangeSignal.Next"/>).</summary>
    public Task NextChange => _replicated.Signal.Next;

    public async Task AgentConnectedAsync(AgentRecord agent, IAgentChannel channel, CancellationToken cancellationToken, AgentReport? report = null)
    {
        _agents.Connected(agent.Id, channel, Elapsed());
        await RegisterAgentAsync(agent with { RegisteredAtMs = Now() }, channel, report, cancellationToken).ConfigureAwait(false);
        // Tasks placed on this agent but perhaps never launched (a previous leader died in between) are sent again;
        // the agent ignores a launch of a task it already runs.
        List<TaskRecord> pending;
        pending = Read(s => s.LiveTasksOn(agent.Id).Where(t => t.State == TaskState.Staging).ToList());
        foreach (var task in pending) _ = LaunchAsync(task, channel);
        Kick();
    }

    /// <summary>
    /// The agent's connection ended. Its tasks stay as they are for the unreachable timeout: an agent that restarts
    /// or reconnects within it carries on; after it, <see cref="MaintainAsync"/> marks them UNREACHABLE.
    /// </summary>
    public Task AgentDisconnectedAsync(string agentId, IAgentChannel channel, string reason)
    {
        if (!_agents.Disconnected(agentId, channel, Elapsed())) return System.Threading.Tasks.Task.CompletedTask;
        logger.LogWarning("agent {Agent} disconnected: {Reason}; it is unreachable unless it is back within {Timeout} s", agentId, reason,
            Timeouts.Unreachable.TotalSeconds);
        Changed(); // its instances leave the routing mesh's table at once
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>Any message from a connected agent: it is alive now.</summary>
    public void Heard(string agentId)
    {
        _agents.Heard(agentId, Elapsed());
    }

    /// <summary>Kills a task: a waiting one at once, a running one through its agent. False if unknown or already ended.</summary>
    public async Task<bool> KillAsync(string taskId, CancellationToken cancellationToken, TimeSpan? grace = null)
    {
        IAgentChannel? channel = null;
        TaskRecord? task;
        task = Read(s => s.Tasks.GetValueOrDefault(taskId));
        if (task is null || task.State.IsTerminal()) return false;
        if (task.AgentId is not null)
            channel = _agents.Channel(task.AgentId);
        if (task.AgentId is null || channel is null)
        {
            var why = task.AgentId is null ? "killed before it was launched" : "killed while its agent was away";
            if (_health.TakeKillReason(taskId) is { } reason) why = $"{why}: {reason}";
            await ProposeAsync(new UpdateTaskStatus(Now(), taskId, TaskState.Killed, null, null, why), cancellationToken).ConfigureAwait(false);
            return true;
        }
        await channel.KillAsync(taskId, grace ?? DefaultKillGrace, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<LogChunk?> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken)
    {
        IAgentChannel? channel;
        if (Read(s => s.Tasks.GetValueOrDefault(taskId))?.AgentId is not { } agentId) return null;
        channel = _agents.Channel(agentId);
        if (channel is null) return null;
        try
        {
            return await channel.ReadLogAsync(taskId, stream, offset, max, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Leader housekeeping, called about once a second: absent agents become unreachable then gone, drains, placement.</summary>
    /// <remarks>A no-op on a follower: a pass that was under way when leadership moved finds out here.</remarks>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        if (!IsLeader) return;
        await ExpireAgentsAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await ScheduleAsync(cancellationToken).ConfigureAwait(false);
        await MaintainFrameworksAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The upkeep loop, one of the <see cref="LeaderServices"/>: <see cref="MaintainAsync"/> about once a second while this master leads.</summary>
    private async Task RunUpkeepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await MaintainAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NotLeaderException)
            {
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("upkeep: {Error}", e.Message);
            }
        }
    }

    /// <summary>This master stopped leading: agents must talk to the new leader, so their connections are dropped.</summary>
    public IReadOnlyList<IAgentChannel> ReleaseAgents()
    {
        ReleaseFrameworks();
        _health.Clear();
        _serviceFeed.Release();
        return _agents.Release();
    }

    void IRaftStateMachine.Apply(ulong index, byte[] command) => _replicated.Apply(index, command);

    Func<byte[]> IRaftStateMachine.FreezeSnapshot() => _replicated.FreezeSnapshot();

    void IRaftStateMachine.Restore(byte[] snapshot) => _replicated.Restore(snapshot);

    /// <summary>Why a command must not be proposed yet (a master that could not read it), or null; see <see cref="FeatureGate"/>.</summary>
    public Func<ClusterCommand, string?>? Gate { get; set; }

    /// <summary>The lowest feature level among the voters (<see cref="FeatureGate.ClusterLevel"/>); this build's own when alone.</summary>
    public Func<int> ClusterLevel { get; set; } = () => FeatureGate.Current;

    private Task ProposeAsync(ClusterCommand command, CancellationToken cancellationToken)
    {
        command = FeatureGate.ForLevel(command, ClusterLevel());
        if (Gate?.Invoke(command) is { } refusal) throw new FeatureGateException(refusal);
        return (_log ?? throw new InvalidOperationException("no replicated log attached")).ProposeAsync(CommandCodec.Encode(command), cancellationToken);
    }

    /// <summary>
    /// Starts a one-shot tasks pass in the background, within the current term's leader services: cancelled and awaited
    /// with them, so no pass of an old term runs on into the next. Without a term's services (not leading, the moment
    /// before they start, or a master used without them) nothing starts: the upkeep's pass, once a second, does it.
    /// </summary>
    private void Kick()
    {
        if (IsLeader) LeaderServices.RunInTerm("one-shot tasks pass", ScheduleQuietlyAsync);
    }

    private async Task ScheduleQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ScheduleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NotLeaderException)
        {
        }
    }

    private async Task LaunchAsync(TaskRecord task, IAgentChannel channel)
    {
        try
        {
            await channel.LaunchAsync(task, HealthChecksFor(task), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or Wire.WireException)
        {
            // The agent's disconnect (or its timeout) marks the task LOST; nothing more to do here.
            logger.LogWarning("could not send task {Task} to agent {Agent}: {Error}", task.Id, task.AgentId, e.Message);
        }
    }

    private void Changed() => _replicated.Signal.Changed();

    private HashSet<string> ConnectedAgentIds() => _agents.ConnectedIds();

    /// <summary>Wall time for what is recorded (command timestamps); never for measuring how long something took.</summary>
    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The leader's monotonic clock, for every timeout it measures (silence, offers, filters, failover).</summary>
    private long Elapsed() => time.MonotonicMs();
}
