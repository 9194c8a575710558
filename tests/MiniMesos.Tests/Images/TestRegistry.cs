using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MiniMesos.Tests.Images;

/// <summary>
/// A registry served by the tests themselves on loopback: the read endpoints of the OCI distribution API
/// (GET /v2/NAME/manifests/REF by tag or digest, GET /v2/NAME/blobs/DIGEST) and, when <see cref="Login"/> is set, a
/// token service as Docker Hub's (<see cref="TokenAuth"/>): requests without a token get 401 with a Bearer challenge,
/// the token endpoint hands out tokens anonymously or only for the Basic <see cref="Login"/>. It records every request and can serve a blob with the wrong content (<see cref="Tampered"/>).
/// </summary>
internal sealed class TestRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (byte[] Body, string MediaType)> _manifests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly string _token = Guid.NewGuid().ToString("N");
    private readonly Task _serving;

    public TestRegistry()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public ConcurrentQueue<string> Requests { get; } = new();
    /// <summary>Ask for a token (from /token) on every request; with <see cref="Login"/> the token endpoint wants that login.</summary>
    public bool TokenAuth { get; set; }
    public (string User, string Password)? Login { get; set; }
    public HashSet<string> Tampered { get; } = new(StringComparer.Ordinal);
    /// <summary>Blobs whose next answers break off: each of the first Times answers sends Bytes bytes and then drops the connection.</summary>
    public ConcurrentDictionary<string, (int Bytes, int Times)> Drop { get; } = new(StringComparer.Ordinal);
    /// <summary>Answer Range requests with 206 and the rest of the blob (true) or ignore them and send it all (false).</summary>
    public bool Ranges { get; set; } = true;

    public int Count(string pathPart) => Requests.Count(r => r.Contains(pathPart, StringComparison.Ordinal));

    /// <summary>Serves every blob of an OCI layout and its tagged manifest (or index) as NAME:TAG.</summary>
    public void AddLayout(string layout, string name, string tag)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(layout, "blobs", "sha256"))) _blobs["sha256:" + Path.GetFileName(file)] = File.ReadAllBytes(file);
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        var top = index.RootElement.GetProperty("manifests")[0];
        var digest = top.GetProperty("digest").GetString()!;
        AddManifest(name, tag, _blobs[digest], top.GetProperty("mediaType").GetString()!);
    }

    public string AddManifest(string name, string tag, byte[] body, string mediaType)
    {
        var digest = TestTars.Sha256(body);
        _manifests[$"{name}/{tag}"] = (body, mediaType);
        _manifests[$"{name}/{digest}"] = (body, mediaType);
        _blobs[digest] = body;
        return digest;
    }

    public byte[] ManifestBody(string name, string tag) => _manifests[$"{name}/{tag}"].Body;

    public string AddBlob(byte[] data)
    {
        var digest = TestTars.Sha256(data);
        _blobs[digest] = data;
        return digest;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _serving.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var range = context.Request.Headers["Range"];
        Requests.Enqueue(range is null ? path : $"{path} range {range}");
        var response = context.Response;
        try
        {
            if (path == "/token")
            {
                var expected = Login is { } l ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(l.User + ":" + l.Password)) : null;
                if (expected is not null && context.Request.Headers["Authorization"] != expected) { response.StatusCode = 401; return; }
                Write(response, Encoding.UTF8.GetBytes($$"""{"token": "{{_token}}"}"""), "application/json");
                return;
            }
            if (TokenAuth && context.Request.Headers["Authorization"] != "Bearer " + _token)
            {
                var name = path.Split("/manifests/")[0].Split("/blobs/")[0]["/v2/".Length..];
                response.StatusCode = 401;
                response.Headers["WWW-Authenticate"] = $"Bearer realm=\"http://{Host}/token\",service=\"test-registry\",scope=\"repository:{name}:pull\"";
                return;
            }
            if (path.Contains("/manifests/", StringComparison.Ordinal))
            {
                var parts = path["/v2/".Length..].Split("/manifests/");
                if (!_manifests.TryGetValue($"{parts[0]}/{parts[1]}", out var manifest)) { NotFound(response, "MANIFEST_UNKNOWN"); return; }
                response.Headers["Docker-Content-Digest"] = TestTars.Sha256(manifest.Body);
                Write(response, manifest.Body, manifest.MediaType);
                return;
            }
            if (path.Contains("/blobs/", StringComparison.Ordinal))
            {
                var digest = path.Split("/blobs/")[1];
                if (!_blobs.TryGetValue(digest, out var blob)) { NotFound(response, "BLOB_UNKNOWN"); return; }
                if (Tampered.Contains(digest)) { blob = (byte[])blob.Clone(); blob[^1] ^= 0xff; }
                var from = 0;
                if (Ranges && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
                    && int.TryParse(range["bytes=".Length..^1], out from) && from < blob.Length)
                {
                    response.StatusCode = 206;
                    response.Headers["Content-Range"] = $"bytes {from}-{blob.Length - 1}/{blob.Length}";
                }
                else from = 0;
                if (Drop.TryGetValue(digest, out var drop) && drop.Times > 0)
                {
                    Drop[digest] = (drop.Bytes, drop.Times - 1);
                    response.ContentType = "application/octet-stream";
                    response.ContentLength64 = blob.Length - from;
                    response.OutputStream.Write(blob, from, Math.Min(drop.Bytes, blob.Length - from));
                    response.OutputStream.Flush();
                    response.Abort(); // the connection is reset mid-body
                    return;
                }
                Write(response, blob[from..], "application/octet-stream");
                return;
            }
            NotFound(response, "NAME_UNKNOWN");
        }
        finally
        {
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { }
        }
    }

    private static void Write(HttpListenerResponse response, byte[] body, string type)
    {
        response.ContentType = type;
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    private static void NotFound(HttpListenerResponse response, string code)
    {
        response.StatusCode = 404;
        Write(response, Encoding.UTF8.GetBytes($$"""{"errors": [{"code": "{{code}}"}]}"""), "application/json");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
