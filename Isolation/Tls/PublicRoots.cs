using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MiniMesos.Isolation.Tls;

/// <summary>
/// The platform's CA store for the clients that call public servers (image registries, the fetcher, HTTPS health
/// checks), loaded on their first HTTPS connection rather than at start. A daemon leaves the store out of the process
/// (Net/Security/SystemRoots.cs: .NET on Linux loads every system root at the first chain build of any TLS connection,
/// the cluster's own included, and keeps them: ~2 MB of an agent's resident memory that most agents never use). Those
/// clients then get the chain errors of a store with no roots, and <see cref="Check"/> builds the chain again against
/// the roots read here: the same bundle OpenSSL reads (SSL_CERT_FILE / SSL_CERT_DIR as they were when the process
/// started, else the distribution's bundle), re-read when it changes. Where the store was not left out (tests, the
/// CLI's own process) .NET's verdict stands unchanged.
/// </summary>
internal static class PublicRoots
{
    private static readonly string[] Bundles =
    [
        "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine, Arch
        "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL
        "/etc/ssl/ca-bundle.pem", // openSUSE
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ];

    private static readonly TimeSpan Recheck = TimeSpan.FromMinutes(5);
    private static readonly Lock Gate = new();
    private static string? _file;
    private static string[] _dirs = [];
    private static bool _leftOut;
    private static X509Certificate2Collection? _roots;
    private static DateTime _stamp;
    private static long _checkedAt;

    /// <summary>
    /// Called by the code that leaves the store out of the process, before it does: records where the roots are
    /// (<paramref name="certFile"/>, <paramref name="certDir"/>: the values of SSL_CERT_FILE and SSL_CERT_DIR, null when unset).
    /// </summary>
    public static void StoreLeftOut(string? certFile, string? certDir)
    {
        lock (Gate)
        {
            _file = certFile ?? Bundles.FirstOrDefault(File.Exists);
            _dirs = certDir is null ? (_file is null ? ["/etc/ssl/certs"] : []) : certDir.Split(':', StringSplitOptions.RemoveEmptyEntries);
            _leftOut = true;
        }
    }

    /// <summary>How many roots are loaded now (0 until a public server's certificate has been checked).</summary>
    public static int Loaded
    {
        get { lock (Gate) return _roots?.Count ?? 0; }
    }

    /// <summary>The TLS options of a client that calls public servers.</summary>
    public static SslClientAuthenticationOptions ClientOptions() => new() { RemoteCertificateValidationCallback = Check };

    /// <summary>
    /// A RemoteCertificateValidationCallback: .NET's verdict when the store is in the process; otherwise the same checks
    /// (a certificate, the name, a chain to a root, server authentication, validity) with the roots loaded here.
    /// </summary>
    public static bool Check(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        bool leftOut;
        lock (Gate) leftOut = _leftOut;
        if (!leftOut || errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is not X509Certificate2 leaf) return false;
        using var rebuilt = new X509Chain();
        var policy = rebuilt.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck; // as .NET's TLS client does by default
        policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")); // server authentication
        policy.CustomTrustStore.AddRange(Roots());
        if (chain is not null)
        {
            policy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore); // the intermediates the server sent
            foreach (var element in chain.ChainElements) policy.ExtraStore.Add(element.Certificate);
        }
        return rebuilt.Build(leaf);
    }

    private static X509Certificate2Collection Roots()
    {
        lock (Gate)
        {
            var now = Environment.TickCount64;
            if (_roots is not null && now - _checkedAt < (long)Recheck.TotalMilliseconds) return _roots;
            _checkedAt = now;
            var stamp = Stamp();
            if (_roots is not null && stamp == _stamp) return _roots;
            _roots = Load();
            _stamp = stamp;
            return _roots;
        }
    }

    private static DateTime Stamp()
    {
        var latest = _file is not null && File.Exists(_file) ? File.GetLastWriteTimeUtc(_file) : DateTime.MinValue;
        foreach (var dir in _dirs)
        {
            if (Directory.Exists(dir) && Directory.GetLastWriteTimeUtc(dir) > latest) latest = Directory.GetLastWriteTimeUtc(dir);
        }
        return latest;
    }

    private static X509Certificate2Collection Load()
    {
        var roots = new X509Certificate2Collection();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string path)
        {
            var found = new X509Certificate2Collection();
            try
            {
                found.ImportFromPemFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return; // not a certificate file (the directories hold other files too), or unreadable: as OpenSSL skips it
            }
            foreach (var certificate in found)
            {
                if (seen.Add(certificate.Thumbprint)) roots.Add(certificate);
                else certificate.Dispose();
            }
        }
        if (_file is { Length: > 0 } file && File.Exists(file)) Add(file);
        foreach (var dir in _dirs)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal)) Add(path);
        }
        return roots;
    }
}
