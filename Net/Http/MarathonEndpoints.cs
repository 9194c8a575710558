using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>
/// A Marathon-compatible subset of /v2: apps (create, list, show, update/scale, delete, restart, tasks), tasks,
/// deployments and info. App ids contain slashes ("/web/api"), so /v2/apps/{**path} is routed by hand: a trailing
/// "/tasks" or "/restart" is the sub-resource, as in Marathon.
/// </summary>
internal static class MarathonEndpoints
{
    private const int MaxBodyBytes = 1 << 20;

    public static void Map(IEndpointRouteBuilder app, ApiContext context)
    {
        var master = context.Master;
        app.MapPost("/v2/apps", async (HttpContext http) =>
        {
            var body = await ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return TooLarge();
            var parse = MarathonAppParser.Parse(body, null, null);
            if (parse.App is null) return Invalid(parse);
            if (master.App(parse.App.Id) is not null)
                return Error(StatusCodes.Status409Conflict, $"An app with id [{parse.App.Id}] already exists (update it with PUT /v2/apps{parse.App.Id})");
            var spec = parse.App with { Version = MarathonViews.NewVersion(TimeProvider.System, null) };
            await master.PutAppAsync(spec, http.RequestAborted).ConfigureAwait(false);
            http.Response.Headers.Location = $"/v2/apps{spec.Id}";
            var view = MarathonViews.App(context, spec, master.Tasks(), false, parse.Warnings, parse.UnsupportedFields);
            return Results.Json(view, MarathonJsonContext.Api.MarathonApp, statusCode: StatusCodes.Status201Created);
        });

        app.MapGet("/v2/apps", () =>
        {
            var tasks = master.Tasks();
            return Results.Json(new MarathonAppList(master.Apps().Select(a => MarathonViews.App(context, a, tasks, false)).ToList()),
                MarathonJsonContext.Api.MarathonAppList);
        });

        app.MapGet("/v2/apps/{**path}", (string path) =>
        {
            var (id, sub) = Split(master, path);
            var spec = master.App(id);
            if (spec is null) return NoSuchApp(id);
            var tasks = master.Tasks();
            if (sub == "tasks")
            {
                return Results.Json(new MarathonTaskList(tasks.Where(t => t.Spec.AppId == id && !t.State.IsTerminal())
                    .Select(t => MarathonViews.Task(master, t)).ToList()), MarathonJsonContext.Api.MarathonTaskList);
            }
            if (sub is not null) return Error(StatusCodes.Status404NotFound, $"no endpoint GET /v2/apps{id}/{sub}");
            return Results.Json(new MarathonAppEnvelope(MarathonViews.App(context, spec, tasks, true)), MarathonJsonContext.Api.MarathonAppEnvelope);
        });

        app.MapPut("/v2/apps/{**path}", async (string path, HttpContext http) =>
        {
            var id = MarathonAppParser.NormaliseId(path.TrimEnd('/'));
            var body = await ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return TooLarge();
            var existing = master.App(id);
            var parse = MarathonAppParser.Parse(body, existing, id);
            if (parse.App is null) return Invalid(parse);
            // A change of instances alone is a scale: it keeps the version, so running instances are not rolled.
            var scaleOnly = existing is not null && SameExceptInstances(existing, parse.App);
            var spec = scaleOnly ? parse.App with { Version = existing!.Version } : parse.App with { Version = MarathonViews.NewVersion(TimeProvider.System, existing?.Version) };
            await master.PutAppAsync(spec, http.RequestAborted).ConfigureAwait(false);
            return Changed(spec, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK, parse);
        });

        app.MapDelete("/v2/apps/{**path}", async (string path, HttpContext http) =>
        {
            var id = MarathonAppParser.NormaliseId(path.TrimEnd('/'));
            var spec = master.App(id);
            if (spec is null || !await master.RemoveAppAsync(id, http.RequestAborted).ConfigureAwait(false)) return NoSuchApp(id);
            return Changed(spec, StatusCodes.Status200OK, null);
        });

        app.MapPost("/v2/apps/{**path}", async (string path, HttpContext http) =>
        {
            var (id, sub) = Split(master, path);
            if (sub != "restart") return Error(StatusCodes.Status404NotFound, $"no endpoint POST /v2/apps/{path} (did you mean POST /v2/apps{id}/restart?)");
            var spec = master.App(id);
            if (spec is null) return NoSuchApp(id);
            var restarted = spec with { Version = MarathonViews.NewVersion(TimeProvider.System, spec.Version) };
            await master.PutAppAsync(restarted, http.RequestAborted).ConfigureAwait(false);
            return Changed(restarted, StatusCodes.Status200OK, null);
        });

        app.MapGet("/v2/tasks", () => Results.Json(new MarathonTaskList(master.Tasks()
            .Where(t => t.Spec.AppId is not null && !t.State.IsTerminal()).Select(t => MarathonViews.Task(master, t)).ToList()),
            MarathonJsonContext.Api.MarathonTaskList));

        app.MapGet("/v2/deployments", () => Results.Json(MarathonViews.Deployments(master), MarathonJsonContext.Api.IReadOnlyListMarathonDeployment));

        app.MapGet("/v2/info", () =>
        {
            var status = context.Raft.Status;
            var leader = context.Directory.Get(status.Leader)?.ApiUrl;
            return Results.Json(new MarathonInfo("minimesos", BuildInfo.Version, "apps", leader, status.Leader == status.Id),
                MarathonJsonContext.Api.MarathonInfo);
        });
    }

    /// <summary>"web/api/tasks" -> ("/web/api", "tasks") when "/web/api" is an app or the last segment is a known sub-resource.</summary>
    private static (string Id, string? Sub) Split(Master.MasterService master, string path)
    {
        var trimmed = MarathonAppParser.NormaliseId(path.TrimEnd('/'));
        if (master.App(trimmed) is not null) return (trimmed, null);
        var slash = trimmed.LastIndexOf('/');
        return slash > 0 ? (trimmed[..slash], trimmed[(slash + 1)..]) : (trimmed, null);
    }

    private static bool SameExceptInstances(AppSpec a, AppSpec b) =>
        Canonical(a with { Instances = 0, Version = "" }).AsSpan().SequenceEqual(Canonical(b with { Instances = 0, Version = "" }));

    private static byte[] Canonical(AppSpec app) => CommandCodec.Encode(new Core.State.PutApp(0, app));

    private static IResult Changed(AppSpec spec, int status, MarathonParse? parse) =>
        Results.Json(new MarathonChange(spec.Version, MarathonViews.DeploymentId(spec),
            parse?.Warnings is { Count: > 0 } w ? w : null, parse?.UnsupportedFields is { Count: > 0 } u ? u : null),
            MarathonJsonContext.Api.MarathonChange, statusCode: status);

    private static IResult Invalid(MarathonParse parse) =>
        Results.Json(new MarathonError(parse.Error!.Error, parse.Errors.Select(e => new MarathonErrorDetail("/" + e.Path.Replace('.', '/'), [e.Reason])).ToList(),
            parse.Error.Field, parse.Error.Reason), MarathonJsonContext.Api.MarathonError, statusCode: StatusCodes.Status422UnprocessableEntity);

    private static IResult NoSuchApp(string id) => Error(StatusCodes.Status404NotFound, $"App '{id}' does not exist");

    private static IResult TooLarge() => Error(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes");

    private static IResult Error(int status, string message) =>
        Results.Json(new MarathonError(message), MarathonJsonContext.Api.MarathonError, statusCode: status);

    internal static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
