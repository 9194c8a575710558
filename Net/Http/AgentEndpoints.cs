using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>/v1/agents: the agents with their state, and draining (docs/api-agents.md).</summary>
internal static class AgentEndpoints
{
    public const double MaxGraceSeconds = 3600;

    public static void Map(ApiRouter app, MasterService master)
    {
        app.MapGet("/v1/agents", () => ApiResults.Json(new AgentList(master.Agents()
            .Select(a => View(master, a.Agent, a.Free, a.Connected)).ToList()), ApiJsonContext.Api.AgentList));

        app.MapPost("/v1/agents/{id}/drain", async (string id, HttpContext http) =>
        {
            var body = await TaskEndpoints.ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (body is null) return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "the body is too large");
            var (grace, error) = ParseGrace(body);
            if (error is not null) return ApiResults.Error(StatusCodes.Status400BadRequest, error);
            if (!await master.DrainAgentAsync(id, grace, http.RequestAborted).ConfigureAwait(false)) return NoSuchAgent(id);
            return Answer(master, id, StatusCodes.Status202Accepted);
        });

        app.MapPost("/v1/agents/{id}/reactivate", async (string id, CancellationToken ct) =>
            await master.ReactivateAgentAsync(id, ct).ConfigureAwait(false) ? Answer(master, id, StatusCodes.Status200OK) : NoSuchAgent(id));
    }

    /// <summary>The optional body of a drain: {"gracePeriodSeconds": N}; empty means the default kill grace period.</summary>
    public static (TimeSpan Grace, ApiError? Error) ParseGrace(byte[] body)
    {
        if (body.Length == 0 || body.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) return (MasterService.DefaultKillGrace, null);
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (default, Invalid("", "the body must be a JSON object"));
            var grace = MasterService.DefaultKillGrace;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name != "gracePeriodSeconds") return (default, Invalid(property.Name, "unknown field (known: gracePeriodSeconds)"));
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var seconds) || seconds < 0 || seconds > MaxGraceSeconds)
                    return (default, Invalid("gracePeriodSeconds", $"must be a number of seconds between 0 and {MaxGraceSeconds}"));
                grace = TimeSpan.FromSeconds(seconds);
            }
            return (grace, null);
        }
        catch (JsonException e)
        {
            return (default, Invalid("", $"the body is not valid JSON: {e.Message}"));
        }
    }

    public static string StateName(AgentMode mode) => mode.ToString().ToLowerInvariant();

    private static AgentView View(MasterService master, Core.Model.AgentRecord a, Core.Model.Resources free, bool connected)
    {
        var disk = master.AgentDisk(a.Id);
        return new(a.Id, a.Hostname, a.Total.Cpus, a.Total.MemMb, a.Total.DiskMb, free.Cpus, free.MemMb, connected, a.Attributes,
            a.PortRange.ToString(), StateName(master.Mode(a.Id)), master.AgentBuild(a.Id), disk?.FreeMb, disk?.TotalMb,
            master.Mesh(a.Id) is { } mesh ? new MeshView(mesh.Listening, mesh.TableVersion, mesh.Unbound) : null, free.DiskMb);
    }

    private static IResult Answer(MasterService master, string id, int status)
    {
        var agent = master.Agents().FirstOrDefault(a => a.Agent.Id == id);
        return agent.Agent is null ? NoSuchAgent(id) : ApiResults.Json(View(master, agent.Agent, agent.Free, agent.Connected), ApiJsonContext.Api.AgentView, status);
    }

    private static IResult NoSuchAgent(string id) => ApiResults.Error(StatusCodes.Status404NotFound, $"no agent '{id}'");

    /// <summary>A 400 body for bad input: the field at fault ("" for the body itself) and why.</summary>
    internal static ApiError Invalid(string field, string reason) =>
        new($"invalid request: {(field.Length == 0 ? "body" : field)}: {reason}", field, reason);
}
