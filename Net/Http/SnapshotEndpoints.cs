using MiniMesos.Net.Http.Server;
using MiniMesos.Net.Backup;
using MiniMesos.Net.Master;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Http;

/// <summary>
/// GET /v1/snapshot: a backup file of the replicated state (the leader's, after the read barrier; admin token only,
/// see <see cref="BearerAuth"/>). POST /v1/snapshot/restore: replaces the state with a backup file's, through the log.
/// </summary>
internal static class SnapshotEndpoints
{
    /// <summary>The admin token a backup was written with, when a rotation has replaced it since (restore only).</summary>
    public const string SnapshotTokenHeader = "X-MiniMesos-Snapshot-Token";

    /// <summary>The largest backup file a restore accepts (the state a master can hold is bounded the same way).</summary>
    public const long MaxFileBytes = LargeMessageLimits.MaxBytes;

    /// <summary>
    /// A backup file may exceed the API's 1 MiB body limit: raised for the restore only, before anything reads the body
    /// (a follower forwarding it to the leader reads it too).
    /// </summary>
    public static Task AllowLargeRestoreAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path.Equals("/v1/snapshot/restore", StringComparison.Ordinal)
            && HttpMethods.IsPost(http.Request.Method))
            http.Request.Body.MaxSize = MaxFileBytes;
        return next(http);
    }

    public static void Map(ApiRouter app, BackupService backups)
    {
        app.MapGet("/v1/snapshot", async (HttpContext http) =>
        {
            var (file, header) = await backups.SaveAsync(http.RequestAborted).ConfigureAwait(false);
            http.Response.Headers["X-MiniMesos-Snapshot-Index"] = header.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new BytesResult(file, StatusCodes.Status200OK, "application/octet-stream");
        });

        app.MapPost("/v1/snapshot/restore", async (HttpContext http) =>
        {
            var force = http.Request.Query["force_cluster"].ToString();
            if (force is not ("" or "true" or "false"))
                return ApiResults.Error(400, $"invalid request: force_cluster: '{force}' is not true or false", "force_cluster", "must be true or false");
            byte[] file;
            try
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
                file = buffer.ToArray();
            }
            catch (BadHttpRequestException e)
            {
                return ApiResults.Error(413, $"invalid request: body: {e.Message} (a snapshot file is at most {MaxFileBytes} bytes)", "body", "too large");
            }
            if (file.Length == 0) return ApiResults.Error(400, "invalid request: body: empty; send the snapshot file as the body", "body", "empty");
            SnapshotHeader header;
            try
            {
                // A backup from before an admin rotation: the token it was written with, in its own header (never stored).
                var fileToken = http.Request.Headers[SnapshotTokenHeader].ToString();
                header = await backups.RestoreAsync(file, force == "true", http.RequestAborted,
                    fileToken.Length > 0 ? Security.ClusterSecret.Parse(fileToken.Trim(), SnapshotTokenHeader).Token : null).ConfigureAwait(false);
            }
            catch (SnapshotFileException e)
            {
                return ApiResults.Error(400, $"invalid request: snapshot: {e.Message}; nothing was changed", "snapshot", e.Message);
            }
            catch (FeatureGateException e)
            {
                return ApiResults.Error(409, $"{e.Message}; nothing was changed");
            }
            return ApiResults.Json(SnapshotInfo.From(header), ApiJsonContext.Api.SnapshotInfo);
        });
    }
}
