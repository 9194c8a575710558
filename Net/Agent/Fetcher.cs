using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Fetch;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Fetch;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Mesos' fetcher: before a task starts (no process of it exists yet and its sandbox is still root's), each URI is
/// downloaded (http/https, following up to 5 redirects, no proxy) or read (file:// or an absolute path, see
/// <see cref="LocalSource"/>) into a root-only staging file, then copied or unpacked into the sandbox through a
/// <see cref="SandboxWriter"/> and given to the task's user. <c>cache: true</c> keeps the download in the agent's
/// cache (root-only, keyed by the URI's SHA-256, oldest evicted past <see cref="FetchLimits.MaxCacheBytes"/>) and uses
/// it next time instead of downloading. Any failure throws a <see cref="TaskLaunchException"/> naming the URI and why.
/// </summary>
internal sealed class Fetcher(string cacheDir, FetchLimits limits, ILogger logger)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        SslOptions = Isolation.Tls.PublicRoots.ClientOptions(),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Fetches every URI in order into <paramref name="sandbox"/>; <paramref name="staging"/> is a root-only directory of the task's.</summary>
    public async Task FetchAsync(IReadOnlyList<FetchUri> uris, string sandbox, string staging, (uint Uid, uint Gid)? owner, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.TotalTimeout);
        using var writer = SandboxWriter.Open(sandbox, owner);
        for (var i = 0; i < uris.Count; i++)
        {
            var uri = uris[i];
            try
            {
                await FetchOneAsync(uri, writer, Path.Combine(staging, $"fetch-{i}"), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw Failed(uri, $"the fetch took longer than {limits.TotalTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is FetchException or HttpRequestException or IOException or UnauthorizedAccessException)
            {
                throw Failed(uri, e.Message);
            }
        }
    }

    private static TaskLaunchException Failed(FetchUri uri, string reason) => new($"fetch of '{uri.Uri}' failed: {reason}");

    private async Task FetchOneAsync(FetchUri uri, SandboxWriter writer, string stagingFile, CancellationToken cancellationToken)
    {
        if (FetchPlan.Invalid(uri) is { } bad) throw new FetchException($"{bad.Field} {bad.Reason}");
        var name = FetchPlan.FileName(uri)!;
        var kind = uri.Extract ? FetchPlan.ArchiveOf(name) : ArchiveKind.None;
        var started = System.Diagnostics.Stopwatch.StartNew();
        FileStream source;
        var fromCache = false;
        if (uri.Cache)
        {
            Directory.CreateDirectory(cacheDir);
            File.SetUnixFileMode(cacheDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var cached = Path.Combine(cacheDir, Key(uri.Uri));
            var open = OpenCached(cached);
            fromCache = open is not null;
            if (open is null)
            {
                var partial = cached + "." + Guid.NewGuid().ToString("N") + ".partial";
                try
                {
                    await DownloadAsync(uri.Uri, partial, cancellationToken).ConfigureAwait(false);
                    File.Move(partial, cached, overwrite: true);
                }
                finally
                {
                    File.Delete(partial);
                }
                Evict(cached);
                open = OpenCached(cached) ?? throw new FetchException("the cached copy vanished");
            }
            source = open;
        }
        else
        {
            try
            {
                await DownloadAsync(uri.Uri, stagingFile, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                File.Delete(stagingFile);
                throw;
            }
            source = new FileStream(stagingFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.DeleteOnClose);
        }
        using (source)
        {
            if (kind != ArchiveKind.None)
            {
                var slash = name.LastIndexOf('/');
                new ArchiveUnpacker(writer, slash < 0 ? "" : name[..slash], limits, cancellationToken).Unpack(source, kind);
            }
            else
            {
                long written = 0;
                using var file = writer.CreateFile(name, out var fd);
                ArchiveUnpacker.Copy(source, file, limits.MaxDownloadBytes, ref written, "is", cancellationToken);
                writer.Finish(fd, uri.Executable ? 0b111_101_101u : 0b110_100_100u, name);
            }
        }
        logger.LogInformation("fetched {Uri} ({How}) in {Ms} ms", uri.Uri,
            (fromCache ? "from the cache" : "downloaded") + (kind == ArchiveKind.None ? "" : ", unpacked"), started.ElapsedMilliseconds);
    }

    private async Task DownloadAsync(string uri, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        long total = 0;
        if (FetchPlan.Scheme(uri) == "file")
        {
            await using var local = LocalSource.Open(FetchPlan.LocalPath(uri));
            ArchiveUnpacker.Copy(local, file, limits.MaxDownloadBytes, ref total, "is", cancellationToken);
            return;
        }
        using var response = await Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new FetchException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        if (response.Content.Headers.ContentLength > limits.MaxDownloadBytes) throw new FetchException($"is more than {limits.MaxDownloadBytes} bytes");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += n;
            if (total > limits.MaxDownloadBytes) throw new FetchException($"is more than {limits.MaxDownloadBytes} bytes");
            await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileStream? OpenCached(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // recently used: evicted last
            return stream;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Drops the least recently used entries (never <paramref name="keep"/>) until the cache fits its bound.</summary>
    private void Evict(string keep)
    {
        var entries = new DirectoryInfo(cacheDir).GetFiles().Where(f => !f.Name.EndsWith(".partial", StringComparison.Ordinal))
            .OrderByDescending(f => f.LastWriteTimeUtc).ToList();
        long total = 0;
        foreach (var entry in entries)
        {
            total += entry.Length;
            if (total <= limits.MaxCacheBytes || entry.FullName == keep) continue;
            logger.LogInformation("fetch cache: evicted {File} ({Bytes} bytes)", entry.Name, entry.Length);
            entry.Delete();
            total -= entry.Length;
        }
    }

    private static string Key(string uri) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri)));
}
