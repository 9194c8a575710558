using MiniMesos.Net.Http.Server;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Http;

/// <summary>
/// Makes API reads linearizable: before the leader answers a GET it confirms with a quorum that it still leads and
/// that it has applied everything committed so far (Raft ReadIndex). A leader cut off from the others therefore
/// answers 503 instead of stale state. /v1/status is exempt: it reports this master's own view on purpose.
/// </summary>
internal sealed class ReadBarrier(ApiContext context)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path;
        if (!HttpMethods.IsGet(http.Request.Method) || path.StartsWithSegments("/v1/status")
            || !(path.StartsWithSegments("/v1") || path.StartsWithSegments("/v2")))
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(Patience);
            await context.Raft.ReadBarrierAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotLeaderException or OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            await ApiResults.Write(http, StatusCodes.Status503ServiceUnavailable,
                new ApiError($"this master cannot confirm it still leads ({e.Message}); retry in a moment")).ConfigureAwait(false);
            return;
        }
        await next(http).ConfigureAwait(false);
    }
}
