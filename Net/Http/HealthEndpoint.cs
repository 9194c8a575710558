using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http;

/// <summary>
/// /health, unauthenticated and answered by each master itself (never forwarded): 200 while this master serves
/// its API, with its Raft role and the leader it knows. With ?leader=required (for load balancers) it is 503
/// while no leader is known, so traffic goes only to masters that can serve (or forward) a write.
/// </summary>
internal static class HealthEndpoint
{
    public static IResult Answer(ApiContext context, HttpRequest request)
    {
        var raft = context.Raft.Status;
        ulong? leader = raft.Leader == 0 || raft.Stopped is not null ? null : raft.Leader;
        var view = new HealthView(leader is null ? "no_leader" : "ok", raft.Id, StatusEndpoint.Role(raft.Role), leader);
        var required = request.Query["leader"].ToString();
        if (required.Length > 0 && required != "required")
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"leader: '{required}' is not 'required'", "leader", "unknown value");
        var status = leader is null && required == "required" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return ApiResults.Json(view, ApiJsonContext.Api.HealthView, status);
    }
}
