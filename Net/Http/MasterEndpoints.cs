using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>/v1/masters: list the masters, add one voter, remove one voter (single-server membership changes).</summary>
internal static class MasterEndpoints
{
    public static void Map(ApiRouter app, ApiContext context)
    {
        app.MapGet("/v1/masters", () => ApiResults.Json(new MasterList(StatusEndpoint.View(context).Masters), ApiJsonContext.Api.MasterList));

        app.MapPost("/v1/masters", async (HttpContext http) =>
        {
            ulong id;
            string address;
            try
            {
                using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var idField) || !idField.TryGetUInt64(out id) || id == 0)
                    return ApiResults.Error(400, "invalid request: id: must be the new master's id (a positive integer; see its log or `minimesos status`)", "id", "must be a positive integer");
                if (!root.TryGetProperty("address", out var addressField) || addressField.ValueKind != JsonValueKind.String
                    || !Endpoint.TryParse(addressField.GetString()!, out _))
                    return ApiResults.Error(400, "invalid request: address: must be the new master's cluster port as host:port", "address", "must be host:port");
                address = addressField.GetString()!;
            }
            catch (JsonException e)
            {
                return ApiResults.Error(400, $"invalid request: body: not valid JSON: {e.Message}", "", "not valid JSON");
            }
            context.Directory.Learn(new MasterPeer(id, address, ""));
            return await ChangeAsync(context, new ConfigChange(ConfigChangeKind.AddVoter, id), http.RequestAborted).ConfigureAwait(false);
        });

        app.MapDelete("/v1/masters/{id}", (string id, HttpContext http) => ulong.TryParse(id, out var number) && number != 0
            ? ChangeAsync(context, new ConfigChange(ConfigChangeKind.RemoveVoter, number), http.RequestAborted)
            : Task.FromResult(ApiResults.Error(400, $"invalid request: id: '{id}' is not a master id", "id", "must be a positive integer")));
    }

    private static async Task<IResult> ChangeAsync(ApiContext context, ConfigChange change, CancellationToken ct)
    {
        var voters = context.Raft.Status.Voters;
        if (change.Kind == ConfigChangeKind.RemoveVoter && !voters.Contains(change.NodeId))
            return ApiResults.Error(404, $"master {change.NodeId} is not a member (members: {string.Join(", ", voters)})");
        if (change.Kind == ConfigChangeKind.AddVoter && voters.Contains(change.NodeId))
            return ApiResults.Error(409, $"master {change.NodeId} is already a member");
        try
        {
            await context.Raft.ChangeMembershipAsync(change, ct).ConfigureAwait(false);
        }
        catch (NotLeaderException e)
        {
            return ApiResults.Error(503, e.Message);
        }
        return ApiResults.Json(new MasterList(StatusEndpoint.View(context).Masters), ApiJsonContext.Api.MasterList);
    }
}
