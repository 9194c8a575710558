using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// The master's cluster state: agents and tasks (ended ones only up to a bound, see ClusterState.Retention.cs). Changed only through <see cref="Apply"/>, which is
/// deterministic (no clock, no randomness: times and ids arrive inside the commands). Not thread-safe:
/// the owner serialises access.
/// </summary>
internal sealed partial class ClusterState
{
    private readonly Dictionary<string, AgentRecord> _agents = new(StringComparer.Ordinal);
    private readonly ChunkedTable<TaskRecord> _tasks = new();
    private readonly Dictionary<string, AppSpec> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (JobSpec Spec, JobState State)> _jobs = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, AgentRecord> Agents => _agents;
    public IReadOnlyDictionary<string, TaskRecord> Tasks => _tasks;
    public IReadOnlyDictionary<string, AppSpec> Apps => _apps;
    public IReadOnlyDictionary<string, (JobSpec Spec, JobState State)> Jobs => _jobs;

    /// <summary>Applies one command; returns false (and changes nothing) when it does not apply.</summary>
    public bool Apply(ClusterCommand command)
    {
        ThrowIfFrozen();
        _lastSkipped.Clear();
        if (!ApplyCommand(command)) return false;
        DropOverLimit();
        return true;
    }

    private bool ApplyCommand(ClusterCommand command)
    {
        switch (command)
        {
            case AddAgent c:
                _agents[c.Agent.Id] = c.Agent;
                _unreachableSince.Remove(c.Agent.Id);
                return true;
            case AgentRegistration c:
                var resumed = AgentHealthPolicy.Resume(this, c.Agent.Id, c.Report, c.AtMs);
                _agents[c.Agent.Id] = c.Agent;
                _unreachableSince.Remove(c.Agent.Id);
                foreach (var update in resumed) ApplyStatus(update);
                return true;
            case RemoveAgent c:
                if (!_agents.Remove(c.AgentId)) return false;
                ForgetAgentHealth(c.AgentId);
                foreach (var task in LiveTasksOn(c.AgentId).ToList())
                    SetTask(task with { State = TaskState.Lost, UpdatedAtMs = c.AtMs, Message = c.Reason });
                return true;
            case SubmitTask c:
                if (_tasks.ContainsKey(c.TaskId)) return false;
                SetTask(new TaskRecord(c.TaskId, c.Spec, TaskState.Staging, null, c.AtMs, c.AtMs));
                return true;
            case AssignTask c:
                // Only a waiting task is placed: one killed while it waited stays killed, never launched.
                if (!_tasks.TryGetValue(c.TaskId, out var pending) || pending.AgentId is not null || pending.State != TaskState.Staging
                    || !_agents.TryGetValue(c.AgentId, out var agent))
                    return false;
                if (PlacedSpec(pending, agent) is not { } placed) return false;
                SetTask(pending with { Spec = placed, AgentId = c.AgentId, UpdatedAtMs = c.AtMs });
                return true;
            case UpdateTaskStatus c:
                return ApplyStatus(c);
            case LaunchTasks c:
                return ApplyLaunches(c);
            case UpdateTaskStatuses c:
                var changed = false;
                foreach (var update in c.Updates) changed |= ApplyStatus(update);
                return changed;
            case PutApp c:
                // Two apps never share a service port, even if two leaders' assignments crossed: the later one is skipped.
                if (ServicePortAllocator.Clash(c.App, _apps.Values) is not null) return false;
                PutApp(c);
                return true;
            case RemoveApp c:
                return RemoveApp(c);
            case RegisterFramework or RemoveFramework or LinkTask:
                return ApplyFramework(command);
            case MarkAgentUnreachable or SetAgentDrain or RemoveAgentGone:
                return ApplyAgentHealth(command);
            case PutJob c:
                _jobs[c.Job.Id] = (c.Job, _jobs.TryGetValue(c.Job.Id, out var job) ? job.State : new JobState(c.Job.Id));
                return true;
            case RemoveJob c:
                return _jobs.Remove(c.JobId);
            case PutRoleWeight c:
                return ApplyRoleWeight(c);
            case SetClusterCa c:
                return ApplyClusterCa(c);
            case SetAgentSecret c:
                return ApplyAgentSecret(c);
            case SetAdminSecret c:
                return ApplyAdminSecret(c);
            case PutJobState c:
                if (!_jobs.TryGetValue(c.State.JobId, out var owner)) return false;
                _jobs[c.State.JobId] = (owner.Spec, c.State);
                return true;
            default:
                // Unknown commands are refused explicitly so a mixed-version cluster never half-applies one.
                return false;
        }
    }

    /// <summary>Replaces everything with a snapshot's contents (a master catching up from the leader).</summary>
    public void Restore(IEnumerable<AgentRecord> agents, IEnumerable<TaskRecord> tasks, IEnumerable<AppSpec>? apps = null,
        IEnumerable<(JobSpec Spec, JobState State)>? jobs = null)
    {
        ThrowIfFrozen();
        _jobs.Clear();
        foreach (var job in jobs ?? []) _jobs[job.Spec.Id] = job;
        _agents.Clear();
        _tasks.Clear();
        _apps.Clear();
        _appVersions.Clear();
        RestoreFrameworks([], []);
        ForgetAgentHealth(null);
        foreach (var agent in agents) _agents[agent.Id] = agent;
        foreach (var task in tasks) _tasks.Set(task.Id, task);
        ReindexTasks();
        foreach (var app in apps ?? []) _apps[app.Id] = app;
        RetainAfterRestore();
    }

    /// <summary>Resources not used by the agent's non-terminal tasks.</summary>
    public Resources Free(string agentId)
    {
        var agent = _agents[agentId];
        var used = new Resources(0, 0);
        foreach (var task in LiveTasksOn(agentId)) used += task.Spec.Resources;
        return agent.Total - used;
    }

    private bool ApplyStatus(UpdateTaskStatus c)
    {
        if (!_tasks.TryGetValue(c.TaskId, out var task)) return false;
        // A terminal state is final: late or duplicated updates must not resurrect a task.
        if (task.State.IsTerminal()) return false;
        // Going back is refused, except out of TASK_UNREACHABLE: the agent is back and the task runs again.
        if (c.State < task.State && !c.State.IsTerminal() && task.State != TaskState.Unreachable) return false;
        SetTask(task with
        {
            State = c.State,
            UpdatedAtMs = c.AtMs,
            ExitCode = c.ExitCode ?? task.ExitCode,
            Signal = c.Signal ?? task.Signal,
            Message = c.Message ?? task.Message,
        });
        return true;
    }
}
