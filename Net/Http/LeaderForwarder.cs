using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http;

/// <summary>
/// On a follower, /v1 and /v2 (Marathon) calls (but /v1/status, which each master answers itself) are forwarded to the leader and
/// its answer streamed back, so scripts may talk to any master. A forwarded call that lands on another
/// non-leader (leadership moved) gets 503 instead of bouncing around.
/// </summary>
internal sealed class LeaderForwarder(ApiContext context)
{
    private const string ForwardedHeader = "X-MiniMesos-Forwarded-By";
    private readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        // The leader's API presents a certificate from the cluster CA (pinned from the state); the caller's token goes nowhere else.
        SslOptions =
        {
            CertificateChainPolicy = Security.CaTrust.ChainPolicy(),
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => context.Trust?.Check(certificate, chain, out _) is null },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path;
        if (context.Master.IsLeader || !(path.StartsWithSegments("/v1") || path.StartsWithSegments("/v2")) || path.StartsWithSegments("/v1/status"))
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        var leader = context.Directory.Get(context.Raft.Status.Leader);
        if (leader is null || leader.ApiUrl.Length == 0 || http.Request.Headers.ContainsKey(ForwardedHeader))
        {
            await ApiResults.Write(http, StatusCodes.Status503ServiceUnavailable,
                new ApiError("no leader is elected right now (or it is not known yet); retry in a moment")).ConfigureAwait(false);
            return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), leader.ApiUrl + http.Request.RawPath + http.Request.QueryString);
        request.Headers.TryAddWithoutValidation("Authorization", http.Request.Headers.Authorization.ToString());
        request.Headers.TryAddWithoutValidation(ForwardedHeader, context.Raft.Id.ToString());
        if (http.Request.Headers.TryGetValue(SnapshotEndpoints.SnapshotTokenHeader, out var fileToken))
            request.Headers.TryAddWithoutValidation(SnapshotEndpoints.SnapshotTokenHeader, fileToken.ToString());
        if (http.Request.ContentLength > 0 || http.Request.Chunked)
        {
            request.Content = new StreamContent(http.Request.Body);
            if (http.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            await ApiResults.Write(http, StatusCodes.Status503ServiceUnavailable,
                new ApiError($"the leader (master {leader.Id} at {leader.ApiUrl}) cannot be reached: {e.Message}; retry in a moment")).ConfigureAwait(false);
            return;
        }
        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Content.Headers.Concat(response.Headers))
            {
                // Our own X-MiniMesos-* headers carry what a strict Marathon body cannot (warnings, why an app waits, a snapshot's index).
                if (header.Key is "Content-Type" or "Location" or "WWW-Authenticate" or "Cache-Control"
                    || header.Key.StartsWith("X-MiniMesos-", StringComparison.OrdinalIgnoreCase))
                    http.Response.Headers.Set(header.Key, header.Value);
            }
            await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await body.ReadAsync(buffer, http.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, n), http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
