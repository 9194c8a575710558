using System.Net;
using MiniMesos.Core.Http;

namespace MiniMesos.Net.Http.Server;

/// <summary>Where the API's server listens, with what certificate, and how long it waits for slow or idle clients.</summary>
internal sealed record HttpServerOptions(IPEndPoint Endpoint)
{
    /// <summary>The certificate to serve HTTPS with (each new connection gets the current one); null: plain HTTP.</summary>
    public Security.ServerCertificate? Tls { get; init; }

    public HttpLimits Limits { get; init; } = new();

    /// <summary>The largest request body, unless an endpoint raises it for its request (snapshot restore).</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>From a request's first byte to the end of its head (slow-header clients are cut off).</summary>
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An open connection with no request under way is closed after this long.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>The longest a request body may stall between two reads.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The TLS handshake's time limit.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections served at once; more are closed at accept.</summary>
    public int MaxConnections { get; init; } = 1000;
}
