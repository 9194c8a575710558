using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// TLS for tests whose subject is something else: clients that accept the test cluster's certificate, whatever CA
/// issued it (the TLS tests, Security/TlsTests, check pinning and refusals strictly).
/// </summary>
internal static class TestTls
{
    public static SocketsHttpHandler Handler(bool allowAutoRedirect = true) => new()
    {
        AllowAutoRedirect = allowAutoRedirect,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };

    public static HttpClient Http(string baseUrl) => new(Handler()) { BaseAddress = new Uri(baseUrl) };

    /// <summary>Cluster-port TLS for a scripted agent or framework: any master certificate, nothing pinned.</summary>
    public static ClusterTls Client() => new(null, new CaTrust(null, null, acceptSelfSigned: true));
}
