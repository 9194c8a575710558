using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>The CLI's HTTP client for the master's API. Failures become <see cref="CliException"/> with a message for people.</summary>
internal sealed partial class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _master;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private string? _refusal;

    /// <param name="trust">Which server certificates to accept (null: any, for tests that check something else).</param>
    /// <param name="plainHttp">The master serves plain HTTP (--insecure-http, asked for with an http:// --master).</param>
    public ApiClient(string host, int port, string token, Security.CaTrust? trust = null, bool plainHttp = false)
    {
        var authority = $"{(host.Contains(':') ? $"[{host}]" : host)}:{port}";
        _master = $"{(plainHttp ? "http" : "https")}://{authority}";
        var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout };
        if (!plainHttp)
        {
            // Straight to the master: the HTTP client sees an http:// address here, and would otherwise route it through an
            // http_proxy from the environment (with the TLS below made to the proxy).
            handler.UseProxy = false;
            // TLS by our own OpenSSL client under the HTTP client's plain connection (docs/protocol.md, "The CLI's TLS
            // client"). The bearer token is sent only once the master's certificate chains to the pinned CA (or, on first
            // contact, to the CA pinned from it): the connection is handed to the HTTP client only after that check.
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                return await Security.OpenSsl.TlsClientStream.ConnectAsync(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), host, ssl =>
                {
                    if (trust is null) return null;
                    _refusal = Security.OpenSsl.PeerCertificates.Check(ssl, trust, out var ca);
                    if (_refusal is null) trust.Remember(ca);
                    return _refusal;
                }, ct).ConfigureAwait(false);
            };
        }
        _http = new HttpClient(handler)
        {
            // Over TLS too: the HTTP client sees the plain side of the connection the callback makes.
            BaseAddress = new Uri($"http://{authority}"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The request never got an answer: no connection, a refused one, or none within the connect timeout (a server that does not speak first).</summary>
    private static bool NoConnection(Exception e) => e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException };

    private CliException Unreachable(Exception e) => _refusal is { } refusal
        ? new CliException($"refusing the master at {_master}: {refusal}", ExitCodes.RuntimeError)
        : e is TaskCanceledException
            ? new CliException($"cannot reach the master at {_master}: no connection within {ConnectTimeout.TotalSeconds:0} s " +
                "(the host does not answer, or the port is not a MiniMesos API; a master started with --insecure-http needs --master http://HOST:PORT)", ExitCodes.RuntimeError)
            : new CliException($"cannot reach the master at {_master}: {e.Message}{(e.InnerException is { Message: var inner } && !e.Message.Contains(inner) ? $" ({inner})" : "")} " +
                "(set --master or MINIMESOS_MASTER; a master started with --insecure-http needs --master http://HOST:PORT)", ExitCodes.RuntimeError);

    /// <summary>The master's base URL, e.g. https://pi1:5050.</summary>
    public string BaseUrl => _master;

    // A task's JSON is written and read by TaskJson, not through the serializer's metadata (built at first use: ~1 ms per run).
    public Task<TaskView> SubmitAsync(TaskSubmitRequest request, CancellationToken ct) =>
        SendAsync(() => _http.PostAsync("/v1/tasks", JsonBody(TaskJson.Write(request)), ct), TaskJson.ReadView, ct);

    public Task<TaskView> GetTaskAsync(string id, CancellationToken ct) =>
        SendAsync(() => _http.GetAsync($"/v1/tasks/{Uri.EscapeDataString(id)}", ct), TaskJson.ReadView, ct);

    public Task<StatusView> StatusAsync(CancellationToken ct) =>
        SendAsync(() => _http.GetAsync("/v1/status", ct), ApiJsonContext.Api.StatusView, ct);

    /// <summary>The raw JSON of a GET, for --json output that passes the API's answer through unchanged.</summary>
    public async Task<string> GetJsonAsync(string path, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (NoConnection(e))
        {
            throw Unreachable(e);
        }
        using (response)
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Any call with an optional JSON body; the status and body come back as they are (for the /v2 API's own error shape).</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        var (status, body, _) = await SendWithHeadersAsync(method, path, json, ct).ConfigureAwait(false);
        return (status, body);
    }

    /// <summary>Like <see cref="SendAsync(HttpMethod, string, string?, CancellationToken)"/>, with the answer's X-MiniMesos-* headers (notes kept out of /v2 bodies).</summary>
    public async Task<(int Status, string Body, IReadOnlyDictionary<string, string[]> Notes)> SendWithHeadersAsync(HttpMethod method, string path, string? json,
        CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        try
        {
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            var notes = response.Headers.Where(h => h.Key.StartsWith("X-MiniMesos-", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false), notes);
        }
        catch (Exception e) when (NoConnection(e))
        {
            throw Unreachable(e);
        }
    }

    /// <summary>GET /v1/snapshot: a backup file of the replicated state, as bytes.</summary>
    public async Task<byte[]> SnapshotAsync(CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync("/v1/snapshot", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (NoConnection(e))
        {
            throw Unreachable(e);
        }
        using (response)
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>POST /v1/snapshot/restore with a backup file as the body.</summary>
    /// <param name="fileToken">The admin token the backup was written with, when a rotation has replaced it since.</param>
    public Task<Backup.SnapshotInfo> RestoreSnapshotAsync(byte[] file, bool forceCluster, CancellationToken ct, string? fileToken = null) =>
        SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/snapshot/restore{(forceCluster ? "?force_cluster=true" : "")}")
            {
                Content = new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
            };
            if (fileToken is not null) request.Headers.TryAddWithoutValidation(SnapshotEndpoints.SnapshotTokenHeader, fileToken);
            return _http.SendAsync(request, ct);
        }, ApiJsonContext.Api.SnapshotInfo, ct);

    public Task<MasterList> MastersAsync(CancellationToken ct) =>
        SendAsync(() => _http.GetAsync("/v1/masters", ct), ApiJsonContext.Api.MasterList, ct);

    public Task<MasterList> AddMasterAsync(ulong id, string address, CancellationToken ct) =>
        SendAsync(() => _http.PostAsync("/v1/masters", new StringContent($"{{\"id\":{id},\"address\":{System.Text.Json.JsonSerializer.Serialize(address, ApiJsonContext.Api.String)}}}",
            System.Text.Encoding.UTF8, "application/json"), ct), ApiJsonContext.Api.MasterList, ct);

    public Task<MasterList> RemoveMasterAsync(ulong id, CancellationToken ct) =>
        SendAsync(() => _http.DeleteAsync($"/v1/masters/{id}", ct), ApiJsonContext.Api.MasterList, ct);

    public Task<TaskList> TasksAsync(CancellationToken ct) =>
        SendAsync(() => _http.GetAsync("/v1/tasks", ct), ApiJsonContext.Api.TaskList, ct);

    public Task<FrameworkList> FrameworksAsync(CancellationToken ct) =>
        SendAsync(() => _http.GetAsync("/v1/frameworks", ct), ApiJsonContext.Api.FrameworkList, ct);

    public Task<AgentList> AgentsAsync(CancellationToken ct) =>
        SendAsync(() => _http.GetAsync("/v1/agents", ct), ApiJsonContext.Api.AgentList, ct);

    public Task<TaskView> KillAsync(string id, CancellationToken ct) =>
        SendAsync(() => _http.PostAsync($"/v1/tasks/{Uri.EscapeDataString(id)}/kill", null, ct), TaskJson.ReadView, ct);

    /// <summary>Copies a streaming GET (e.g. /v1/events) to <paramref name="output"/> until the master ends it or <paramref name="ct"/> fires.</summary>
    public async Task StreamAsync(string path, Stream output, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (NoConnection(e))
        {
            throw Unreachable(e);
        }
        using (response)
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await CopyAsync(body, output, null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Copies as data arrives, flushing each piece so a terminal or a pipe sees output at once.</summary>
    private static async Task CopyAsync(Stream from, Stream to, Action<int>? copied, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            await to.FlushAsync(ct).ConfigureAwait(false);
            copied?.Invoke(n);
        }
    }

    public void Dispose() => _http.Dispose();

    private Task<T> SendAsync<T>(Func<Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken ct) =>
        SendAsync(send, json => JsonSerializer.Deserialize(json, type), ct);

    private async Task<T> SendAsync<T>(Func<Task<HttpResponseMessage>> send, ReadJson<T> read, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await send().ConfigureAwait(false);
        }
        catch (Exception e) when (NoConnection(e))
        {
            throw Unreachable(e);
        }
        using (response)
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return read(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false))
                ?? throw new CliException($"the master at {_master} sent an empty answer", ExitCodes.RuntimeError);
        }
    }

    /// <summary>
    /// The answer's JSON, read whole and parsed at once (the master sends UTF-8): synchronous parsing keeps the
    /// serializer's streaming machinery for every answer type out of the binary (docs/size.md).
    /// </summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), type);

    private delegate T? ReadJson<T>(ReadOnlySpan<byte> json);

    /// <summary>A request body as JsonContent would send it (application/json; charset=utf-8).</summary>
    private static ByteArrayContent JsonBody(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        string message;
        try
        {
            var error = await ReadJsonAsync(response, ApiJsonContext.Api.ApiError, ct).ConfigureAwait(false);
            message = error?.Error ?? response.ReasonPhrase ?? "error";
        }
        catch (JsonException)
        {
            message = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        // A request the master rejects as malformed is the user's input: a usage error.
        var code = response.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.UsageError : ExitCodes.RuntimeError;
        throw new CliException($"master {_master}: {message}", code);
    }
}
