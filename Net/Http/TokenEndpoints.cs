using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Http;

/// <summary>
/// POST /v1/tokens/agent/rotate (admin token only): a new agent secret, committed sealed under the admin secret; answers the
/// new agent token. Agents connected keep their sessions; a new handshake needs the new token (docs/operations.md).
/// </summary>
internal static class TokenEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ApiContext context)
    {
        app.MapPost("/v1/tokens/agent/rotate", async (HttpContext http) =>
        {
            if (context.Roles is not { } roles) return ApiResults.Error(StatusCodes.Status404NotFound, "this master has no role-scoped tokens");
            if (context.Master.ClusterCa is not { } ca)
                return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "the cluster has no CA yet (a moment after its first leader): try again");
            var (secret, sealedSecret) = roles.NewAgentSecret();
            await context.Master.RotateAgentSecretAsync(sealedSecret, http.RequestAborted).ConfigureAwait(false);
            return ApiResults.Json(new TokenView(Wire.HandshakeOptions.AgentKey, new ClusterSecret(secret, "rotate").Pinned(ClusterCa.Fingerprint(ca.Certificate))),
                ApiJsonContext.Api.TokenView);
        });
    }
}
