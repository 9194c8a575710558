using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Http;

/// <summary>
/// Marathon's /v2/apps: create, list (with embeds and the id/cmd/label selectors), show, update/scale, delete, restart,
/// versions and the app's tasks. App ids contain slashes ("/web/api"), so /v2/apps/{**path} is routed by hand: a
/// trailing "/tasks", "/restart" or "/versions" (or "/tasks/TID", "/versions/V") is the sub-resource, as in Marathon,
/// unless the whole path is an app. The rest of /v2 is in <see cref="MarathonServiceEndpoints"/> and
/// <see cref="MarathonTaskEndpoints"/>.
/// </summary>
internal static class MarathonEndpoints
{
    private static readonly HashSet<string> SubResources = new(StringComparer.Ordinal) { "tasks", "restart", "versions" };

    public static void Map(ApiRouter app, ApiContext context)
    {
        var master = context.Master;
        app.MapPost("/v2/apps", async (HttpContext http) =>
        {
            var body = await MarathonResults.ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return MarathonResults.TooLarge();
            var parse = MarathonAppParser.Parse(body, null, null);
            if (parse.App is null) return MarathonResults.Invalid(parse);
            if (master.UserRefusal(parse.App.User) is { } refusal) return MarathonResults.Invalid(MarathonParse.Fail([new("user", refusal)]));
            if (master.App(parse.App.Id) is not null)
                return MarathonResults.Error(StatusCodes.Status409Conflict, $"An app with id [{parse.App.Id}] already exists.");
            var spec = parse.App with { Version = MarathonViews.NewVersion(TimeProvider.System, null) };
            spec = await master.PutAppAsync(spec, http.RequestAborted).ConfigureAwait(false);
            http.Response.Headers.Location = $"/v2/apps{spec.Id}";
            MarathonResults.Notes(http, parse);
            var view = MarathonViews.App(context, spec, master.Tasks(), MarathonEmbed.List with { Tasks = true });
            return ApiResults.Json(view, MarathonJsonContext.Default.MarathonApp, status: StatusCodes.Status201Created);
        });

        app.MapGet("/v2/apps", (HttpContext http) =>
        {
            var query = http.Request.Query;
            var embed = MarathonEmbed.Parse(query.All("embed"), MarathonEmbed.List);
            LabelSelector? selector = null;
            if (query["label"].ToString() is { Length: > 0 } label)
            {
                var (s, error) = LabelSelector.Parse(label);
                if (s is null) return MarathonResults.Error(StatusCodes.Status400BadRequest, $"label: {error}");
                selector = s;
            }
            var id = query["id"].ToString();
            var cmd = query["cmd"].ToString();
            var tasks = master.Tasks();
            var apps = master.Apps().Where(a => (id.Length == 0 || a.Id.Contains(id, StringComparison.OrdinalIgnoreCase))
                && (cmd.Length == 0 || (a.Cmd ?? "").Contains(cmd, StringComparison.Ordinal))
                && (selector is null || selector.Matches(a.Labels)));
            return ApiResults.Json(new MarathonAppList(apps.Select(a => MarathonViews.App(context, a, tasks, embed)).ToList()),
                MarathonJsonContext.Default.MarathonAppList);
        });

        app.MapGet("/v2/apps/{**path}", (string path, HttpContext http) =>
        {
            var (id, sub, item) = Split(master, path);
            var spec = master.App(id);
            if (spec is null) return MarathonResults.NoSuchApp(id);
            var tasks = master.Tasks();
            switch (sub)
            {
                case "tasks" when item is null:
                    return ApiResults.Json(new MarathonTaskList(tasks.Where(t => t.Spec.AppId == id && !t.State.IsTerminal())
                        .Select(t => MarathonViews.Task(master, t)).ToList()), MarathonJsonContext.Default.MarathonTaskList);
                case "versions" when item is null:
                    return ApiResults.Json(new MarathonVersionList(Versions(master, spec).Select(v => v.Version).ToList()), MarathonJsonContext.Default.MarathonVersionList);
                case "versions":
                    return Versions(master, spec).FirstOrDefault(v => v.Version == item) is { Spec: { } old }
                        ? ApiResults.Json(MarathonViews.Definition(old) with { Version = item }, MarathonJsonContext.Default.MarathonApp)
                        : MarathonResults.Error(StatusCodes.Status404NotFound, $"App '{id}' does not exist in version {item}");
                case null:
                    if (context.Apps?.Waiting(id)?.Reason is { } waiting) http.Response.Headers[MarathonResults.WaitingHeader] = MarathonResults.Ascii(waiting);
                    return ApiResults.Json(new MarathonAppEnvelope(MarathonViews.App(context, spec, tasks,
                        MarathonEmbed.Parse(http.Request.Query.All("embed"), MarathonEmbed.Single))), MarathonJsonContext.Default.MarathonAppEnvelope);
                default:
                    return MarathonResults.Error(StatusCodes.Status404NotFound, $"no endpoint GET /v2/apps{id}/{sub}");
            }
        });

        app.MapPut("/v2/apps/{**path}", async (string path, HttpContext http) =>
        {
            var id = MarathonAppParser.NormaliseId(path.TrimEnd('/'));
            var body = await MarathonResults.ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return MarathonResults.TooLarge();
            var existing = master.App(id);
            var (rollback, badVersion) = MarathonRollback.VersionOf(body);
            if (badVersion is not null) return MarathonResults.Invalid(MarathonParse.Fail([new("version", badVersion)]));
            if (rollback is not null)
                return existing is null ? MarathonResults.NoSuchApp(id) : await MarathonRollback.ToVersionAsync(master, existing, rollback, http.RequestAborted).ConfigureAwait(false);
            var parse = MarathonAppParser.Parse(body, existing, id);
            if (parse.App is null) return MarathonResults.Invalid(parse);
            // Only a new user is judged: a scale of an app whose agents changed since still goes through.
            if (parse.App.User != existing?.User && master.UserRefusal(parse.App.User) is { } refusal)
                return MarathonResults.Invalid(MarathonParse.Fail([new("user", refusal)]));
            MarathonResults.Notes(http, parse);
            if (existing is not null && Same(existing, parse.App))
                return ApiResults.Json(new MarathonChange(existing.LastChange, null), MarathonJsonContext.Default.MarathonChange); // a no-op: no deployment
            // A change of instances alone is a scale: it keeps the version, so running instances are not rolled.
            var now = MarathonViews.NewVersion(TimeProvider.System, existing?.LastChange);
            var spec = existing is not null && Same(existing with { Instances = 0 }, parse.App with { Instances = 0 })
                ? parse.App with { Version = existing.Version, ScaledAt = now }
                : parse.App with { Version = now, ScaledAt = "" };
            spec = await master.PutAppAsync(spec, http.RequestAborted).ConfigureAwait(false);
            return Changed(spec, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

        app.MapDelete("/v2/apps/{**path}", async (string path, HttpContext http) =>
        {
            var (id, sub, item) = Split(master, path);
            if (sub == "tasks") return await MarathonTaskEndpoints.KillAppTasksAsync(context, http, id, item).ConfigureAwait(false);
            id = MarathonAppParser.NormaliseId(path.TrimEnd('/'));
            var spec = master.App(id);
            if (spec is null || !await master.RemoveAppAsync(id, http.RequestAborted).ConfigureAwait(false)) return MarathonResults.NoSuchApp(id);
            var version = MarathonViews.NewVersion(TimeProvider.System, spec.LastChange);
            return ApiResults.Json(new MarathonChange(version, MarathonViews.DeploymentId(id, "delete " + version)), MarathonJsonContext.Default.MarathonChange);
        });

        app.MapPost("/v2/apps/{**path}", async (string path, HttpContext http) =>
        {
            var (id, sub, _) = Split(master, path);
            if (sub != "restart") return MarathonResults.Error(StatusCodes.Status404NotFound, $"no endpoint POST /v2/apps/{path} (did you mean POST /v2/apps{id}/restart?)");
            var spec = master.App(id);
            if (spec is null) return MarathonResults.NoSuchApp(id);
            var restarted = spec with { Version = MarathonViews.NewVersion(TimeProvider.System, spec.LastChange), ScaledAt = "" };
            await master.PutAppAsync(restarted, http.RequestAborted).ConfigureAwait(false);
            return Changed(restarted, StatusCodes.Status200OK);
        });
    }

    /// <summary>
    /// The versions MiniMesos keeps of an app, newest first, each with the spec it stands for: the current config version
    /// and its latest scale, then each kept older config version (and its latest scale), at most ClusterState.MaxAppVersions of those.
    /// </summary>
    internal static IEnumerable<(string Version, AppSpec Spec)> Versions(Master.MasterService master, AppSpec app)
    {
        foreach (var spec in master.AppVersions(app.Id).Prepend(app))
        {
            if (spec.ScaledAt.Length > 0) yield return (spec.ScaledAt, spec);
            yield return (spec.Version, spec);
        }
    }

    /// <summary>
    /// "web/api/tasks/web_api.3" -> ("/web/api", "tasks", "web_api.3"); "web/api/versions" -> ("/web/api", "versions", null); a path
    /// that is an app, or has no known sub-resource, is the app id as a whole (so a 404 names all of it).
    /// </summary>
    internal static (string Id, string? Sub, string? Item) Split(Master.MasterService master, string path)
    {
        var whole = MarathonAppParser.NormaliseId(path.TrimEnd('/'));
        if (master.App(whole) is not null) return (whole, null, null);
        var segments = whole.Split('/');
        if (segments.Length >= 3 && SubResources.Contains(segments[^1]))
            return (string.Join('/', segments[..^1]), segments[^1], null);
        if (segments.Length >= 4 && segments[^2] is "tasks" or "versions")
            return (string.Join('/', segments[..^2]), segments[^2], segments[^1]);
        return (whole, null, null);
    }

    internal static bool Same(AppSpec a, AppSpec b) => Canonical(a).AsSpan().SequenceEqual(Canonical(b));

    private static byte[] Canonical(AppSpec app) => CommandCodec.Encode(new Core.State.PutApp(0, app with { Version = "", ScaledAt = "" }));

    internal static IResult Changed(AppSpec spec, int status) =>
        ApiResults.Json(new MarathonChange(spec.LastChange, MarathonViews.DeploymentId(spec)), MarathonJsonContext.Default.MarathonChange, status: status);
}
