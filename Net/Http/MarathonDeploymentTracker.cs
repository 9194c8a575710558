using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>
/// One event stream's view of the deployments in flight, for the events Marathon sends when a deployment ends:
/// deployment_step_success and deployment_success once the app's instances all run its version (healthy, with checks;
/// for a delete: once none is left), deployment_step_failure and deployment_failed when a newer change or a delete
/// replaces a deployment before it ended (Marathon cancels it). Deployments are derived from the instances, so the
/// end is noticed right after the log event that completed it and sent with that event (the id on the last of them).
/// A stream starts with the deployments in flight when it connects.
/// </summary>
internal sealed class MarathonDeploymentTracker
{
    private readonly MasterService _master;
    private readonly Dictionary<string, Plan> _plans = new(StringComparer.Ordinal);

    public MarathonDeploymentTracker(MasterService master)
    {
        _master = master;
        foreach (var d in MarathonViews.Deployments(master))
            _plans[d.AffectedApps[0]] = new Plan(d.Id, d.Version, d.CurrentActions[0].Action, d.AffectedApps[0]);
    }

    /// <summary>A deployment as its events show it: its id, version, its one step's action and the app.</summary>
    internal sealed record Plan(string Id, string Version, string Action, string AppId);

    /// <summary>The deployment an app_updated or app_removed event starts (the ids /v2/deployments and the answers use).</summary>
    public static Plan PlanOf(MasterService master, ClusterEvent e)
    {
        if (e.Kind == "app_removed")
        {
            var at = MarathonTime.Format(e.AtMs);
            return new Plan(MarathonViews.DeploymentId(e.Id, "delete " + at), at, "StopApplication", e.Id);
        }
        var version = e.Message ?? "";
        var scale = master.App(e.Id) is { } app && app.ScaledAt == version;
        return new Plan(MarathonViews.DeploymentId(e.Id, version), version, scale ? "ScaleApplication" : "RestartApplication", e.Id);
    }

    /// <summary>The deployment events that follow <paramref name="e"/>: replaced deployments failed, finished ones succeeded.</summary>
    public IEnumerable<(string Type, byte[] Data)> After(ClusterEvent e)
    {
        var result = new List<(string, byte[])>();
        if (e.Kind is "app_updated" or "app_removed")
        {
            var plan = PlanOf(_master, e);
            if (_plans.Remove(e.Id, out var old) && old.Id != plan.Id)
            {
                var reason = e.Kind == "app_removed" ? "the app was deleted before the deployment ended" : $"replaced by deployment {plan.Id} (version {plan.Version})";
                result.Add(("deployment_step_failure", MarathonEventsEndpoint.Deployment("deployment_step_failure", old, e.AtMs)));
                result.Add(("deployment_failed", MarathonEventsEndpoint.Deployment("deployment_failed", old, e.AtMs, reason)));
            }
            _plans[e.Id] = plan;
        }
        if (_plans.Count == 0) return result;
        var live = _master.Tasks().Where(t => t.Spec.AppId is not null && !t.State.IsTerminal()).ToLookup(t => t.Spec.AppId!, StringComparer.Ordinal);
        foreach (var plan in _plans.Values.Where(p => Done(p, live[p.AppId].ToList())).ToList())
        {
            _plans.Remove(plan.AppId);
            result.Add(("deployment_step_success", MarathonEventsEndpoint.Deployment("deployment_step_success", plan, e.AtMs)));
            result.Add(("deployment_success", MarathonEventsEndpoint.Deployment("deployment_success", plan, e.AtMs)));
        }
        return result;
    }

    private bool Done(Plan plan, List<TaskRecord> live)
    {
        var app = _master.App(plan.AppId);
        if (plan.Action == "StopApplication") return live.All(t => app is not null && t.Spec.AppVersion == app.Version);
        return app is not null && MarathonViews.DeploymentId(app) == plan.Id && !MarathonViews.InDeployment(_master, app, live);
    }
}
