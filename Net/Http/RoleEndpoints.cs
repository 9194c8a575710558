using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>/v1/roles: roles with their weights, frameworks and shares; PUT /v1/roles/ROLE {"weight": W} sets a weight.</summary>
internal static class RoleEndpoints
{
    public static void Map(ApiRouter app, MasterService master)
    {
        app.MapGet("/v1/roles", () => ApiResults.Json(master.RoleViews(), ApiJsonContext.Api.RoleList));

        app.MapPut("/v1/roles/{**role}", async (string role, HttpContext http) =>
        {
            if (RoleRules.RoleProblem(role) is { } badRole) return ApiResults.Error(StatusCodes.Status400BadRequest, AgentEndpoints.Invalid("role", badRole));
            var body = await TaskEndpoints.ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (body is null) return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "the body is too large");
            var (weight, error) = ParseWeight(body);
            if (error is not null) return ApiResults.Error(StatusCodes.Status400BadRequest, error);
            await master.SetRoleWeightAsync(role, weight, http.RequestAborted).ConfigureAwait(false);
            return ApiResults.Json(master.RoleViews().Roles.Single(r => r.Name == role), ApiJsonContext.Api.RoleView);
        });
    }

    /// <summary>The body of a PUT: exactly {"weight": W}, W a number in (0, <see cref="RoleRules.MaxWeight"/>].</summary>
    public static (double Weight, ApiError? Error) ParseWeight(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (0, AgentEndpoints.Invalid("", "the body must be a JSON object like {\"weight\": 2}"));
            double? weight = null;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name != "weight") return (0, AgentEndpoints.Invalid(property.Name, "unknown field (known: weight)"));
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var w) || RoleRules.WeightProblem(w) is not null)
                    return (0, AgentEndpoints.Invalid("weight", RoleRules.WeightProblem(double.NaN)!));
                weight = w;
            }
            return weight is { } found ? (found, null) : (0, AgentEndpoints.Invalid("weight", "is required"));
        }
        catch (JsonException e)
        {
            return (0, AgentEndpoints.Invalid("", $"the body is not valid JSON: {e.Message}"));
        }
    }
}
