using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MiniMesos.Core.Images;
using MiniMesos.Core.Streams;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// Reads images from registries by the OCI distribution API (GET /v2/NAME/manifests/REF and /v2/NAME/blobs/DIGEST).
/// Authentication as registries do it: a 401 names a Bearer realm (a token service, asked anonymously or with the
/// login the agent has for that registry) or Basic (the login itself); tokens are kept per registry and repository.
/// HTTPS, except for loopback registries and those the operator lists as insecure. Nothing read is trusted here: the
/// caller checks every digest. Manifests are bounded to <see cref="ImageDocuments.MaxDocumentBytes"/>.
/// </summary>
internal sealed class RegistryClient : IDisposable
{
    private static readonly string[] ManifestTypes =
        [OciMediaTypes.OciIndex, OciMediaTypes.DockerManifestList, OciMediaTypes.OciManifest, OciMediaTypes.DockerManifest];

    private readonly HttpClient _http;
    private readonly RegistryOptions _options;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);

    public RegistryClient(RegistryOptions options)
    {
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = true, // blobs are often served from elsewhere; the Authorization header is not sent along
            MaxAutomaticRedirections = 5,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = Tls.PublicRoots.ClientOptions(),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("minimesos", "1"));
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The manifest (or index) bytes and the media type the registry gave for them.</summary>
    public async Task<(byte[] Body, string? MediaType)> ManifestAsync(ImageReference image, string reference, CancellationToken ct)
    {
        using var response = await SendAsync(image, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(image, "manifests/" + reference));
            foreach (var type in ManifestTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            return request;
        }, $"manifest {reference}", ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > ImageDocuments.MaxDocumentBytes)
            throw new LayerUnpackException($"manifest {reference} is larger than {ImageDocuments.MaxDocumentBytes} bytes");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var body = await ReadBoundedAsync(stream, ImageDocuments.MaxDocumentBytes, $"manifest {reference}", ct).ConfigureAwait(false);
        return (body, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// A blob's content as a stream (the caller bounds and hashes it) that resumes a download broken off mid-way with
    /// Range requests (<see cref="ResumableBlobStream"/>); <paramref name="size"/> is the descriptor's, when known.
    /// </summary>
    public async Task<Stream> BlobAsync(ImageReference image, ImageDigest digest, CancellationToken ct, long? size = null, Action<string>? onResume = null)
    {
        var (first, _) = await OpenBlobAsync(image, digest, 0, ct).ConfigureAwait(false);
        return new ResumableBlobStream(first, (from, c) => OpenBlobAsync(image, digest, from, c), size, $"blob {digest}", onResume ?? (_ => { }));
    }

    /// <summary>The blob's body from byte <paramref name="from"/> (a Range request) and the byte the answer starts at: 0 when the registry sent it all.</summary>
    private async Task<(Stream Body, long Start)> OpenBlobAsync(ImageReference image, ImageDigest digest, long from, CancellationToken ct)
    {
        var response = await SendAsync(image, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(image, "blobs/" + digest));
            if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
            return request;
        }, $"blob {digest}", ct).ConfigureAwait(false);
        var start = response.StatusCode == HttpStatusCode.PartialContent ? response.Content.Headers.ContentRange?.From ?? -1 : 0;
        return (new ResponseStream(response, await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)), start);
    }

    private Uri Url(ImageReference image, string path)
    {
        var host = image.RegistryHost!;
        var scheme = IsPlainHttp(host) ? "http" : "https";
        return new Uri($"{scheme}://{host}/v2/{image.Repository}/{path}");
    }

    private bool IsPlainHttp(string host)
    {
        if (_options.InsecureRegistries.Contains(host)) return true;
        var name = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return name == "localhost" || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
    }

    private async Task<HttpResponseMessage> SendAsync(ImageReference image, Func<HttpRequestMessage> make, string what, CancellationToken ct)
    {
        var key = image.Registry + "/" + image.Repository;
        for (var attempt = 0; ; attempt++)
        {
            using var request = make();
            if (_auth.TryGetValue(key, out var auth)) request.Headers.Authorization = auth;
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                response.Dispose();
                _auth[key] = await AuthorizeAsync(image, challenge, ct).ConfigureAwait(false);
                continue;
            }
            if (response.IsSuccessStatusCode) return response;
            var status = (int)response.StatusCode;
            var detail = await ErrorText(response, ct).ConfigureAwait(false);
            response.Dispose();
            throw new LayerUnpackException(status switch
            {
                401 => $"{what}: the registry refused the login ({detail}); give the agent credentials with --registry-config",
                403 => $"{what}: access denied by the registry ({detail})",
                404 => $"{what}: not found in {image.Registry}/{image.Repository} ({detail})",
                429 => $"{what}: the registry's rate limit was reached ({detail})",
                _ => $"{what}: the registry answered {status} ({detail})",
            });
        }
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(ImageReference image, AuthChallenge? challenge, CancellationToken ct)
    {
        var login = _options.Credentials.For(image.Registry!);
        var basic = login is { } l ? Convert.ToBase64String(Encoding.UTF8.GetBytes(l.User + ":" + l.Password)) : null;
        if (challenge is null) throw new LayerUnpackException($"{image.Registry} asks for a login but says not how (no WWW-Authenticate)");
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return basic is null ? throw new LayerUnpackException($"{image.Registry} needs a login: give the agent credentials with --registry-config")
                : new AuthenticationHeaderValue("Basic", basic);
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || !challenge.Parameters.TryGetValue("realm", out var realm))
            throw new LayerUnpackException($"{image.Registry} asks for '{challenge.Scheme}' authentication, which MiniMesos does not speak");
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("https" or "http"))
            throw new LayerUnpackException($"{image.Registry}: token realm '{realm}' is not an http(s) URL");
        if (realmUri.Scheme == "http" && !IsPlainHttp(realmUri.Authority))
            throw new LayerUnpackException($"{image.Registry}: token realm '{realm}' is plain http on a host that is neither loopback nor listed as insecure");
        var query = new StringBuilder();
        if (challenge.Parameters.TryGetValue("service", out var service)) query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        query.Append("scope=").Append(Uri.EscapeDataString(challenge.Parameters.GetValueOrDefault("scope") ?? $"repository:{image.Repository}:pull"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realmUri) { Query = query.ToString() }.Uri);
        if (basic is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new LayerUnpackException($"{image.Registry}: the token service {realmUri.Host} answered {(int)response.StatusCode}" +
                (basic is null ? " (no login for this registry: --registry-config)" : " (check the login in --registry-config)"));
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var body = await ReadBoundedAsync(stream, 1 << 20, "token", ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var token = doc.RootElement.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : doc.RootElement.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            return string.IsNullOrEmpty(token) ? throw new LayerUnpackException($"{image.Registry}: the token service gave no token")
                : new AuthenticationHeaderValue("Bearer", token);
        }
        catch (JsonException)
        {
            throw new LayerUnpackException($"{image.Registry}: the token service's answer is not JSON");
        }
    }

    private static async Task<string> ErrorText(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(await ReadBoundedAsync(stream, 4096, "error", ct, truncate: true).ConfigureAwait(false));
            return text.Length == 0 ? response.ReasonPhrase ?? "no detail" : new string(text.Where(c => !char.IsControl(c)).Take(200).ToArray());
        }
        catch (Exception e) when (e is IOException or HttpRequestException or LayerUnpackException)
        {
            return response.ReasonPhrase ?? "no detail";
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, int max, string what, CancellationToken ct, bool truncate = false)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > max)
            {
                if (truncate) { buffer.Write(chunk, 0, (int)(max - buffer.Length)); break; }
                throw new LayerUnpackException($"{what} is larger than {max} bytes");
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>A response body that disposes its response with it.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); response.Dispose(); }
            base.Dispose(disposing);
        }
    }
}
