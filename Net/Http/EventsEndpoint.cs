using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>
/// /v1/events: state changes as NDJSON, one JSON object per line, flushed as they happen, for scripts that react
/// (`curl -N .../v1/events | while read -r e; do ...; done`). ?since=SEQ replays the buffered events after SEQ
/// first (0 = all that are kept); without it the stream starts with the next change.
/// </summary>
internal static class EventsEndpoint
{
    public static async Task StreamAsync(MasterService master, HttpContext http)
    {
        var ct = http.RequestAborted;
        long after;
        if (http.Request.Query.TryGetValue("since", out var since))
        {
            if (!long.TryParse(since, out after) || after < 0)
            {
                await ApiResults.Write(http, 400, new ApiError("invalid request: since: must be a whole number >= 0", "since", "must be a whole number >= 0"))
                    .ConfigureAwait(false);
                return;
            }
        }
        else
        {
            after = master.EventsAfter(0).LastOrDefault()?.Seq ?? 0;
        }
        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.StartAsync(ct).ConfigureAwait(false);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var changed = master.WaitForChangeAsync(ct);
                foreach (var e in master.EventsAfter(after))
                {
                    await http.Response.Body.WriteAsync(ApiResults.Serialize(e, ApiJsonContext.Api.ClusterEvent), ct).ConfigureAwait(false);
                    await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
                    after = e.Seq;
                }
                await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                await changed.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
