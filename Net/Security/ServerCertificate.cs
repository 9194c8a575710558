using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Security;

/// <summary>
/// A master's current TLS server certificate, for the cluster port and the API alike. Self-signed until the cluster CA
/// reaches this master, then issued by the CA and reissued once two thirds of its lifetime have passed: every new
/// connection gets the current one, so renewal needs no restart.
/// </summary>
internal sealed class ServerCertificate
{
    private readonly string _commonName;
    private readonly IReadOnlyList<string> _names;
    private readonly TimeProvider _time;
    private volatile Issued _current;

    public ServerCertificate(string commonName, IReadOnlyList<string> names, TimeSpan lifetime, TimeProvider time)
    {
        if (lifetime < TimeSpan.FromSeconds(2)) throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "a certificate must live at least 2 s");
        _commonName = commonName;
        _names = names;
        _time = time;
        Lifetime = lifetime;
        var now = time.GetUtcNow();
        _current = Wrap(ClusterCa.SelfSigned(commonName, names, now, lifetime), null, now);
    }

    public TimeSpan Lifetime { get; }

    /// <summary>What a new connection presents.</summary>
    public Issued Current => _current;

    /// <summary>
    /// Issues a certificate from <paramref name="ca"/> when there is none from it yet or the current one is due for
    /// renewal; returns the new one, or null when nothing changed. Throws CryptographicException when the secret does not
    /// unseal the CA's key.
    /// </summary>
    public Issued? Refresh(ClusterCaRecord? ca, byte[] secret)
    {
        if (ca is null) return null;
        var now = _time.GetUtcNow();
        var current = _current;
        var fingerprint = ClusterCa.Fingerprint(ca.Certificate);
        if (current.CaFingerprint == fingerprint && now < current.RenewAt) return null;
        var issued = Wrap(ClusterCa.Issue(ca, secret, _commonName, _names, now, Lifetime), ca, now);
        _current = issued;
        return issued;
    }

    private Issued Wrap(X509Certificate2 leaf, ClusterCaRecord? ca, DateTimeOffset now)
    {
        var extra = new X509Certificate2Collection();
        if (ca is not null) extra.Add(ClusterCa.Certificate(ca));
        var context = SslStreamCertificateContext.Create(leaf, extra, offline: true);
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        return new Issued(leaf, context, ca is null ? null : ClusterCa.Fingerprint(ca.Certificate), notAfter,
            now + (notAfter - now) * 2 / 3, SHA256.HashData(leaf.RawData));
    }

    /// <param name="CaFingerprint">The CA that issued it; null while self-signed.</param>
    /// <param name="Binding">SHA-256 of the certificate: the channel binding (docs/protocol.md, "TLS").</param>
    internal sealed record Issued(X509Certificate2 Leaf, SslStreamCertificateContext Context, string? CaFingerprint,
        DateTimeOffset NotAfter, DateTimeOffset RenewAt, byte[] Binding);
}
