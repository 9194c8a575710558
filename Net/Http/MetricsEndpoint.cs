using System.Diagnostics;
using System.Globalization;
using System.Text;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Model;
using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Http;

/// <summary>
/// /metrics in Prometheus text format: tasks by state, agents, Raft term/commit/apply lag and role, frameworks,
/// offers and allocation (see <see cref="FrameworkMetrics"/>), and API request counts and latency by method and status class. Counters live here; everything else is read at scrape.
/// </summary>
internal sealed class MetricsEndpoint(ApiContext context)
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Method, string Status), RequestStats> _requests = [];

    /// <summary>Middleware: times every request (streams included, until they end).</summary>
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http).ConfigureAwait(false);
        }
        finally
        {
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var key = (http.Request.Method, $"{http.Response.StatusCode / 100}xx");
            lock (_gate)
            {
                if (!_requests.TryGetValue(key, out var stats)) _requests[key] = stats = new RequestStats();
                stats.Add(seconds);
            }
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        var raft = context.Raft.Status;
        Metric(text, "minimesos_raft_term", "gauge", "Current Raft term.", raft.Term);
        Metric(text, "minimesos_raft_commit_index", "gauge", "Highest committed log index.", raft.Commit);
        Metric(text, "minimesos_raft_applied_index", "gauge", "Highest log index applied to the state.", raft.Applied);
        Metric(text, "minimesos_raft_apply_lag", "gauge", "Committed entries not applied yet.", raft.Commit - raft.Applied);
        Metric(text, "minimesos_raft_leader", "gauge", "1 when this master is the leader.", raft.Role == RaftRole.Leader ? 1 : 0);
        Metric(text, "minimesos_raft_voters", "gauge", "Masters in the Raft configuration.", raft.Voters.Count);
        Metric(text, "minimesos_leader_services_running", "gauge", "Leader-only loops running on this master (all while it leads, none otherwise).",
            context.Master.LeaderServices.Running);

        var agents = context.Master.Agents();
        Metric(text, "minimesos_agents", "gauge", "Agents in the cluster state.", agents.Count);
        Metric(text, "minimesos_agents_connected", "gauge", "Agents connected to this master.", agents.Count(a => a.Connected));
        Metric(text, "minimesos_agent_cpus_total", "gauge", "CPUs agents offer.", agents.Sum(a => a.Agent.Total.Cpus));
        Metric(text, "minimesos_agent_cpus_free", "gauge", "CPUs not used by tasks.", agents.Sum(a => a.Free.Cpus));
        Metric(text, "minimesos_agent_mem_bytes_total", "gauge", "Memory agents offer.", agents.Sum(a => a.Agent.Total.MemMb) * 1024 * 1024);
        Metric(text, "minimesos_agent_mem_bytes_free", "gauge", "Memory not used by tasks.", agents.Sum(a => a.Free.MemMb) * 1024 * 1024);

        text.Append("# HELP minimesos_agents_by_state Agents by state.\n# TYPE minimesos_agents_by_state gauge\n");
        var modes = agents.GroupBy(a => context.Master.Mode(a.Agent.Id)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var mode in Enum.GetValues<Core.State.AgentMode>())
            text.Append(CultureInfo.InvariantCulture, $"minimesos_agents_by_state{{state=\"{AgentEndpoints.StateName(mode)}\"}} {modes.GetValueOrDefault(mode)}\n");

        text.Append("# HELP minimesos_tasks Tasks by state.\n# TYPE minimesos_tasks gauge\n");
        var byState = context.Master.Tasks().GroupBy(t => t.State).ToDictionary(g => g.Key, g => g.Count());
        foreach (var state in Enum.GetValues<TaskState>())
            text.Append(CultureInfo.InvariantCulture, $"minimesos_tasks{{state=\"{state.ToWire()}\"}} {byState.GetValueOrDefault(state)}\n");

        Metric(text, "minimesos_tasks_ended_dropped_total", "counter",
            $"Ended tasks this master dropped from its state, oldest first, to keep at most {Core.State.ClusterState.MaxEndedTasks}.",
            context.Master.DroppedEndedTasks);

        FrameworkMetrics.Render(text, context.Master);

        text.Append("# HELP minimesos_http_request_duration_seconds API request latency.\n# TYPE minimesos_http_request_duration_seconds histogram\n");
        lock (_gate)
        {
            foreach (var ((method, status), stats) in _requests.OrderBy(kv => kv.Key))
            {
                var labels = $"method=\"{method}\",status=\"{status}\"";
                for (var i = 0; i < Buckets.Length; i++)
                    text.Append(CultureInfo.InvariantCulture, $"minimesos_http_request_duration_seconds_bucket{{{labels},le=\"{Buckets[i]}\"}} {stats.Cumulative(i)}\n");
                text.Append(CultureInfo.InvariantCulture, $"minimesos_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {stats.Count}\n");
                text.Append(CultureInfo.InvariantCulture, $"minimesos_http_request_duration_seconds_sum{{{labels}}} {stats.Sum}\n");
                text.Append(CultureInfo.InvariantCulture, $"minimesos_http_request_duration_seconds_count{{{labels}}} {stats.Count}\n");
            }
        }
        return text.ToString();
    }

    private static void Metric(StringBuilder text, string name, string type, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");

    private sealed class RequestStats
    {
        private readonly long[] _buckets = new long[Buckets.Length];

        public long Count { get; private set; }
        public double Sum { get; private set; }

        public void Add(double seconds)
        {
            Count++;
            Sum += seconds;
            var i = Array.FindIndex(Buckets, b => seconds <= b);
            if (i >= 0) _buckets[i]++;
        }

        public long Cumulative(int upTo) => _buckets.Take(upTo + 1).Sum();
    }
}
