using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>The master's HTTP API on Kestrel (default port 5050, as Mesos). Followers forward /v1 calls to the leader.</summary>
internal static class ApiServer
{
    public static WebApplication Build(IPEndPoint endpoint, ApiContext context, string token, ILoggerProvider logs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1 << 20;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Api));
        var app = builder.Build();
        app.Use(new BearerAuth(token).InvokeAsync);
        app.Use(new LeaderForwarder(context).InvokeAsync);
        app.MapGet("/health", () => ApiResults.Json(new HealthView("ok"), ApiJsonContext.Api.HealthView));
        app.MapGet("/v1/status", () => ApiResults.Json(StatusEndpoint.View(context), ApiJsonContext.Api.StatusView));
        app.MapGet("/v1/agents", () => ApiResults.Json(new AgentList(context.Master.Agents().Select(a => new AgentView(
            a.Agent.Id, a.Agent.Hostname, a.Agent.Total.Cpus, a.Agent.Total.MemMb, a.Agent.Total.DiskMb, a.Free.Cpus, a.Free.MemMb,
            a.Connected, a.Agent.Attributes)).ToList()), ApiJsonContext.Api.AgentList));
        TaskEndpoints.Map(app, context.Master);
        MasterEndpoints.Map(app, context);
        MarathonEndpoints.Map(app, context);
        app.MapFallback((HttpContext http) => ApiResults.Error(StatusCodes.Status404NotFound,
            $"no endpoint {http.Request.Method} {http.Request.Path}"));
        return app;
    }
}
