using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Net.Master;
using MiniMesos.Core.Model;
using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Http;

/// <summary>Marathon's /ping, /v2/info, /v2/leader, /v2/groups (derived from the app ids), /v2/queue and /v2/deployments.</summary>
internal static class MarathonServiceEndpoints
{
    public static void Map(ApiRouter app, ApiContext context)
    {
        var master = context.Master;
        app.MapGet("/ping", () => new BytesResult("pong\n"u8.ToArray(), StatusCodes.Status200OK, "text/plain"));

        app.MapGet("/v2/info", (HttpContext http) =>
        {
            var status = context.Raft.Status;
            var leader = HostPort(context.Directory.Get(status.Leader)?.ApiUrl);
            var (host, port) = HostAndPort(http.Request.Headers["Host"]);
            return ApiResults.Json(new MarathonInfo("minimesos", BuildInfo.Version, "unknown", status.Leader == status.Id, leader,
                MasterService.AppsFrameworkId,
                new MarathonInfoConfig("minimesos-apps", host, "minimesos (built in, no ZooKeeper)", "nobody", "*", status.Voters.Count > 1,
                    true, [], null),
                new MarathonZookeeperConfig("", Core.State.ClusterState.MaxAppVersions), new MarathonHttpConfig(port ?? 5050, 0)), MarathonJsonContext.Default.MarathonInfo);
        });

        app.MapGet("/v2/leader", () => HostPort(context.Directory.Get(context.Raft.Status.Leader)?.ApiUrl) is { } leader
            ? ApiResults.Json(new MarathonLeader(leader), MarathonJsonContext.Default.MarathonLeader)
            : MarathonResults.Error(StatusCodes.Status404NotFound, "There is no leader"));

        // Abdication hands leadership to another master (a Raft leadership transfer); a lone master has no one to give it to.
        app.MapDelete("/v2/leader", async (HttpContext http) =>
        {
            var status = context.Raft.Status;
            if (status.Role != RaftRole.Leader) return MarathonResults.Error(StatusCodes.Status404NotFound, "There is no leader");
            if (http.Request.Query.ContainsKey("backup") || http.Request.Query.ContainsKey("restore"))
                return MarathonResults.Error(StatusCodes.Status400BadRequest, "backup and restore are not supported: the masters' state is replicated by Raft");
            var target = status.Voters.FirstOrDefault(v => v != status.Id);
            if (target == 0)
                return MarathonResults.Error(StatusCodes.Status503ServiceUnavailable, "this is the only master: there is no other to take over leadership");
            context.Raft.TransferLeadership(target);
            for (var i = 0; i < 100 && context.Raft.Status.Role == RaftRole.Leader; i++) await Task.Delay(50, http.RequestAborted).ConfigureAwait(false);
            return context.Raft.Status.Role == RaftRole.Leader
                ? MarathonResults.Error(StatusCodes.Status503ServiceUnavailable, $"master {target} did not take over leadership within 5 s; retry")
                : ApiResults.Json(new MarathonMessage("Leadership abdicated"), MarathonJsonContext.Default.MarathonMessage);
        });

        app.MapGet("/v2/groups", (HttpContext http) => Group(context, "/", http));
        app.MapGet("/v2/groups/{**id}", (string id, HttpContext http) => Group(context, MarathonAppParser.NormaliseId(id.TrimEnd('/')), http));

        app.MapGet("/v2/queue", () =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var items = new List<MarathonQueueItem>();
            foreach (var spec in master.Apps())
            {
                if (context.Apps?.Waiting(spec.Id) is not { } wait) continue;
                var backoff = context.Apps.Backoff(spec.Id);
                var left = backoff is null ? 0 : Math.Max(0, (backoff.NotBeforeMs - now + 999) / 1000);
                items.Add(new MarathonQueueItem(MarathonViews.Definition(spec), wait.Missing, new MarathonQueueDelay(left, left == 0),
                    spec.LastChange, "*"));
            }
            return ApiResults.Json(new MarathonQueue(items), MarathonJsonContext.Default.MarathonQueue);
        });

        app.MapGet("/v2/deployments", () => ApiResults.Json(MarathonViews.Deployments(master), MarathonJsonContext.Default.IReadOnlyListMarathonDeployment));

        // force=true stops a deployment where it is: the app keeps the instances of its version it has now. Without
        // force, Marathon rolls the deployment back: a new deployment to the app as it was before (MarathonRollback).
        app.MapDelete("/v2/deployments/{id}", async (string id, HttpContext http) =>
        {
            var deployment = MarathonViews.Deployments(master).FirstOrDefault(d => d.Id == id);
            if (deployment is null) return MarathonResults.Error(StatusCodes.Status404NotFound, $"DeploymentPlan {id} does not exist");
            var spec = master.App(deployment.AffectedApps[0]);
            if (spec is null) return MarathonResults.Error(StatusCodes.Status404NotFound, $"DeploymentPlan {id} does not exist");
            if (!MarathonResults.Flag(http, "force")) return await MarathonRollback.RevertDeploymentAsync(master, spec, http.RequestAborted).ConfigureAwait(false);
            var running = master.Tasks().Count(t => t.Spec.AppId == spec.Id && !t.State.IsTerminal() && t.Spec.AppVersion == spec.Version);
            var stopped = spec with { Instances = running, ScaledAt = MarathonViews.NewVersion(TimeProvider.System, spec.LastChange) };
            await master.PutAppAsync(stopped, http.RequestAborted).ConfigureAwait(false);
            return new StatusResult(StatusCodes.Status202Accepted);
        });
    }

    /// <summary>The Host header's name and port: "m1:5050" -> ("m1", 5050), "[::1]" -> ("[::1]", null).</summary>
    private static (string Host, int? Port) HostAndPort(string header)
    {
        var colon = header.LastIndexOf(':');
        return colon > header.LastIndexOf(']') && int.TryParse(header[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port)
            ? (header[..colon], port)
            : (header, null);
    }

    /// <summary>"http://10.0.0.1:5050" -> "10.0.0.1:5050", as Marathon names its leader.</summary>
    internal static string? HostPort(string? url) =>
        url is { Length: > 0 } && Uri.TryCreate(url, UriKind.Absolute, out var u) ? $"{u.Host}:{u.Port}" : null;

    /// <summary>The group tree is derived from the app ids: /a/b/c is app c in group /a/b, in group /a.</summary>
    private static IResult Group(ApiContext context, string id, HttpContext http)
    {
        var apps = context.Master.Apps();
        var tasks = context.Master.Tasks();
        var embed = MarathonEmbed.Parse(http.Request.Query.All("embed"), MarathonEmbed.None);
        var prefix = id == "/" ? "/" : id + "/";
        var members = apps.Where(a => a.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (id != "/" && members.Count == 0) return MarathonResults.Error(StatusCodes.Status404NotFound, $"Group '{id}' does not exist");
        return ApiResults.Json(Build(context, id, members, tasks, embed), MarathonJsonContext.Default.MarathonGroup);
    }

    private static MarathonGroup Build(ApiContext context, string id, IReadOnlyList<AppSpec> members, IReadOnlyList<Core.Model.TaskRecord> tasks,
        MarathonEmbed embed)
    {
        var prefix = id == "/" ? "/" : id + "/";
        var direct = members.Where(a => !a.Id[prefix.Length..].Contains('/')).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var groups = members.Except(direct).GroupBy(a => prefix + a.Id[prefix.Length..].Split('/')[0]).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Build(context, g.Key, g.ToList(), tasks, embed)).ToList();
        var version = members.Select(a => a.LastChange).DefaultIfEmpty(null).Max(StringComparer.Ordinal);
        return new MarathonGroup(id, direct.Select(a => MarathonViews.App(context, a, tasks, embed)).ToList(), groups, [], [], version);
    }
}
