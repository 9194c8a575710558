using System.Net;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Http.Server;
using MiniMesos.Net.Http.Ui;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>
/// The master's HTTP API on our own HTTP/1.1 server (default port 5050, as Mesos): HTTPS with the master's certificate
/// from the cluster CA, or plain HTTP with --insecure-http. Followers forward /v1 calls to the leader.
/// </summary>
internal static class ApiServer
{
    /// <param name="tls">The certificate to serve HTTPS with (each new connection gets the current one); null: plain HTTP.</param>
    public static HttpServer Build(IPEndPoint endpoint, ApiContext context, string token, ILoggerProvider logs,
        IReadOnlyList<string>? readTokens = null, Security.ServerCertificate? tls = null)
    {
        var app = new ApiRouter();
        var middleware = new List<Func<HttpContext, RequestDelegate, Task>>();
        var metrics = new MetricsEndpoint(context);
        middleware.Add(metrics.InvokeAsync);
        middleware.Add(UiAssets.InvokeAsync);
        middleware.Add(HeadAsGet); // before the router, so a HEAD is routed to its GET endpoint
        middleware.Add(SnapshotEndpoints.AllowLargeRestoreAsync);
        // A master's admin token follows rotations (context.Roles); the token given is the one it started with.
        Func<string> admin = context.Roles is { } current ? () => current.Admin.Token : () => token;
        var sessions = new UiSessions(admin, TimeProvider.System);
        middleware.Add(new BearerAuth(token, readTokens, sessions)
        {
            CurrentAdmin = admin,
            IsPreviousAdminToken = context.Roles is { } previous ? previous.IsPreviousAdminToken : null,
            IsAgentToken = context.Roles is { } roles ? roles.IsAgentToken : null,
            Logger = logs.CreateLogger("MiniMesos.Api"),
        }.InvokeAsync);
        middleware.Add(AnswerLostLeadershipAsync);
        middleware.Add(new LeaderForwarder(context).InvokeAsync);
        middleware.Add(new ReadBarrier(context).InvokeAsync);
        app.MapGet("/metrics", () => new BytesResult(System.Text.Encoding.UTF8.GetBytes(metrics.Render()), StatusCodes.Status200OK,
            "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/health", (HttpContext http) => HealthEndpoint.Answer(context, http.Request));
        app.MapGet("/v1/status", () => ApiResults.Json(StatusEndpoint.View(context), ApiJsonContext.Api.StatusView));
        AgentEndpoints.Map(app, context.Master);
        app.MapGet("/v1/frameworks", () => ApiResults.Json(context.Master.FrameworkViews(), ApiJsonContext.Api.FrameworkList));
        RoleEndpoints.Map(app, context.Master);
        app.MapGet("/v1/events", (HttpContext http) => EventsEndpoint.StreamAsync(context.Master, http));
        TaskEndpoints.Map(app, context.Master);
        MasterEndpoints.Map(app, context);
        MarathonEndpoints.Map(app, context);
        MarathonTaskEndpoints.Map(app, context);
        MarathonServiceEndpoints.Map(app, context);
        app.MapGet("/v2/events", (HttpContext http) => MarathonEventsEndpoint.StreamAsync(context, http));
        if (context.Jobs is not null) JobEndpoints.Map(app, context);
        UiEndpoints.Map(app, new UiLoginCodes(TimeProvider.System), sessions);
        if (context.Backups is not null) SnapshotEndpoints.Map(app, context.Backups);
        TokenEndpoints.Map(app, context);
        app.Fallback = http => (IsMarathon(http.Request.Path)
            ? MarathonResults.Error(StatusCodes.Status404NotFound, $"no endpoint {http.Request.Method} {http.Request.Path}")
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no endpoint {http.Request.Method} {http.Request.Path}")).ExecuteAsync(http);
        RequestDelegate pipeline = app.DispatchAsync;
        for (var i = middleware.Count - 1; i >= 0; i--)
        {
            var (use, next) = (middleware[i], pipeline);
            pipeline = http => use(http, next);
        }
        return new HttpServer(new HttpServerOptions(endpoint) { Tls = tls }, pipeline, logs.CreateLogger("MiniMesos.Api"));
    }

    /// <summary>
    /// HEAD is answered as the GET of the same path would be, headers only (the server sends no body for HEAD), as Marathon
    /// and Mesos do: every read endpoint takes HEAD without being mapped twice. Streams (events, logs) stop at the headers.
    /// </summary>
    private static async Task HeadAsGet(HttpContext http, RequestDelegate next)
    {
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        http.Request.Method = HttpMethods.Get;
        http.Items[HeadRequest] = true;
        await next(http).ConfigureAwait(false);
    }

    /// <summary>Set on a HEAD request answered as a GET: streaming endpoints return after the headers.</summary>
    public const string HeadRequest = "minimesos.head";

    /// <summary>
    /// A write whose leader stepped down (or was replaced) before the commit fails with NotLeaderException: it is
    /// a retryable 503 with the reason, not an unhandled 500. The change may or may not have been committed.
    /// </summary>
    private static async Task AnswerLostLeadershipAsync(HttpContext http, RequestDelegate next)
    {
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (NotLeaderException e) when (!http.Response.HasStarted)
        {
            await ApiResults.Write(http, StatusCodes.Status503ServiceUnavailable,
                new ApiError($"{e.Message} (the change may or may not have been committed)")).ConfigureAwait(false);
        }
        catch (Master.FeatureGateException e) when (!http.Response.HasStarted)
        {
            // A change an older master in the cluster could not read (a rolling upgrade under way): nothing was proposed.
            var result = IsMarathon(http.Request.Path) ? MarathonResults.Error(StatusCodes.Status409Conflict, e.Message)
                : ApiResults.Error(StatusCodes.Status409Conflict, e.Message);
            await result.ExecuteAsync(http).ConfigureAwait(false);
        }
        catch (Master.ServicePortException e) when (!http.Response.HasStarted)
        {
            // A service port the app cannot have: nothing was committed; the answer names the port and why.
            var status = e.Conflict.Taken ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
            var result = IsMarathon(http.Request.Path)
                ? ApiResults.Json(new MarathonError(e.Message, [new MarathonErrorDetail(MarathonResults.Path(e.Conflict.Field), [e.Conflict.Reason])]),
                    MarathonJsonContext.Default.MarathonError, status: status)
                : ApiResults.Error(status, e.Message);
            await result.ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    /// <summary>Marathon's paths, whose errors are {"message": ...} as Marathon clients read them.</summary>
    public static bool IsMarathon(string path) => path.StartsWithSegments("/v2") || path.StartsWithSegments("/ping");
}
