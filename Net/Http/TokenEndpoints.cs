using MiniMesos.Net.Http.Server;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Http;

/// <summary>
/// POST /v1/tokens/agent/rotate (admin token only): a new agent secret, committed sealed under the admin secret; answers the
/// new agent token. Agents connected keep their sessions; a new handshake needs the new token (docs/operations.md).
/// POST /v1/tokens/admin/rotate (admin token only): the same for the admin secret.
/// </summary>
internal static class TokenEndpoints
{
    public static void Map(ApiRouter app, ApiContext context)
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

        // The admin token: the leader commits the new secret sealed under the current one, with the CA's key and the agent
        // secret re-sealed under the new one (SetAdminSecret); from the commit on, the old token is refused (docs/operations.md).
        app.MapPost("/v1/tokens/admin/rotate", async (HttpContext http) =>
        {
            if (context.Roles is not { } roles) return ApiResults.Error(StatusCodes.Status404NotFound, "this master has no role-scoped tokens");
            if (context.Master.ClusterCa is not { } ca)
                return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "the cluster has no CA yet (a moment after its first leader): try again");
            (ClusterSecret Secret, Core.State.SetAdminSecret Command) rotation;
            try
            {
                rotation = roles.NewAdminSecret(ca, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                return ApiResults.Error(StatusCodes.Status409Conflict, $"cannot rotate the admin token: {e.Message}");
            }
            await context.Master.RotateAdminSecretAsync(rotation.Command, http.RequestAborted).ConfigureAwait(false);
            if (!roles.Admin.Token.Equals(rotation.Secret.Token, StringComparison.Ordinal))
                return ApiResults.Error(StatusCodes.Status409Conflict, "another rotation was committed at the same time: nothing changed by this one; " +
                    "`minimesos token show --admin` on a master prints the current token");
            return ApiResults.Json(new TokenView(Wire.HandshakeOptions.AdminKey, rotation.Secret.Pinned(ClusterCa.Fingerprint(ca.Certificate))),
                ApiJsonContext.Api.TokenView);
        });
    }
}
