using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>The master's HTTP API on Kestrel (default port 5050, as Mesos).</summary>
internal static class ApiServer
{
    public static WebApplication Build(IPEndPoint endpoint, MasterService master, string token, ILoggerProvider logs)
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
        var auth = new BearerAuth(token);
        app.Use(auth.InvokeAsync);
        app.MapGet("/health", () => ApiResults.Json(new HealthView("ok"), ApiJsonContext.Api.HealthView));
        app.MapGet("/v1/status", () =>
        {
            var tasks = master.Tasks().GroupBy(t => t.State).ToDictionary(g => Core.Model.TaskStates.ToWire(g.Key), g => g.Count());
            return ApiResults.Json(new StatusView(BuildInfo.Version, "leader", master.Agents().Count, tasks), ApiJsonContext.Api.StatusView);
        });
        app.MapGet("/v1/agents", () => ApiResults.Json(new AgentList(master.Agents().Select(a => new AgentView(
            a.Agent.Id, a.Agent.Hostname, a.Agent.Total.Cpus, a.Agent.Total.MemMb, a.Agent.Total.DiskMb, a.Free.Cpus, a.Free.MemMb,
            a.Agent.Attributes)).ToList()), ApiJsonContext.Api.AgentList));
        TaskEndpoints.Map(app, master);
        app.MapFallback((HttpContext context) => ApiResults.Error(StatusCodes.Status404NotFound,
            $"no endpoint {context.Request.Method} {context.Request.Path}"));
        return app;
    }
}
