using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MiniMesos.Core.State;
using MiniMesos.Core.Text;

namespace MiniMesos.Net.Security;

/// <summary>
/// The cluster CA (ECDSA P-256) and the server certificates it signs. Its private key travels in the replicated state
/// sealed (<see cref="SecretSeal"/>) under a key derived from the admin secret, with the certificate as associated
/// data: a copy of the state alone does not yield it. The ciphertext is the PKCS#8 key.
/// </summary>
internal static class ClusterCa
{
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    public static readonly TimeSpan DefaultServerLifetime = TimeSpan.FromDays(90);
    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("minimesos/cluster-ca-key/v1");
    /// <summary>
    /// A non-critical extension of every server certificate carrying the issuing CA's certificate (DER). TLS stacks leave a
    /// self-signed root out of the chain they send, so a client holding only the CA's fingerprint (an mm1 token) finds the
    /// CA here, checks its fingerprint, then the leaf's signature with it. OID: a UUID arc (2.25), ours.
    /// </summary>
    public const string CaExtensionOid = "2.25.950670774711717453033604505605424122";

    // Issued certificates start a little in the past so a peer whose clock is a bit behind accepts them.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(10);

    /// <summary>A new CA for <paramref name="clusterName"/>, its key sealed under <paramref name="secret"/>.</summary>
    public static ClusterCaRecord Create(string clusterName, byte[] secret, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=minimesos cluster CA {Sanitize(clusterName)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now - Backdate, now + CaLifetime);
        var der = certificate.RawData;
        return new ClusterCaRecord(der, Seal(key.ExportPkcs8PrivateKey(), secret, der));
    }

    /// <summary>The lower-case hex SHA-256 of the CA certificate: what tokens and pins carry.</summary>
    public static string Fingerprint(byte[] certificateDer) => Convert.ToHexStringLower(SHA256.HashData(certificateDer));

    public static bool IsFingerprint(string text) => text.Length == 64 && CharChecks.All(text, char.IsAsciiHexDigitLower);

    public static string Pem(byte[] certificateDer) => PemEncoding.WriteString("CERTIFICATE", certificateDer) + "\n";

    public static X509Certificate2 Certificate(ClusterCaRecord ca) => X509CertificateLoader.LoadCertificate(ca.Certificate);

    /// <summary>
    /// A server certificate for this master signed by the CA (which needs <paramref name="secret"/> to unseal): names and
    /// addresses become subject alternative names, so curl and browsers check them.
    /// </summary>
    public static X509Certificate2 Issue(ClusterCaRecord ca, byte[] secret, string commonName, IEnumerable<string> names, DateTimeOffset now, TimeSpan lifetime)
    {
        using var caKey = Unseal(ca, secret);
        using var caCert = Certificate(ca).CopyWithPrivateKey(caKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = LeafRequest(commonName, names, key);
        request.CertificateExtensions.Add(new X509Extension(new Oid(CaExtensionOid), ca.Certificate, critical: false));
        var notAfter = now + lifetime;
        if (notAfter > caCert.NotAfter) notAfter = caCert.NotAfter;
        using var issued = request.Create(caCert, now - Backdate, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A self-signed certificate (no CA yet: a master before its cluster's CA is committed or replicated to it).</summary>
    public static X509Certificate2 SelfSigned(string commonName, IEnumerable<string> names, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return LeafRequest(commonName, names, key).CreateSelfSigned(now - Backdate, now + lifetime); // with its private key
    }

    /// <summary>The CA certificate a server certificate carries (<see cref="CaExtensionOid"/>), or null.</summary>
    public static X509Certificate2? CarriedCa(X509Certificate2 leaf)
    {
        foreach (var extension in leaf.Extensions)
        {
            if (extension.Oid?.Value != CaExtensionOid) continue;
            try
            {
                return X509CertificateLoader.LoadCertificate(extension.RawData);
            }
            catch (CryptographicException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="leaf"/> is signed by <paramref name="ca"/> and valid now.</summary>
    public static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 ca, DateTime now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now;
        return chain.Build(leaf) && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }

    /// <summary>The CA's private key; a wrong secret (or a tampered record) fails with a message saying so.</summary>
    public static ECDsa Unseal(ClusterCaRecord ca, byte[] secret)
    {
        var plain = SecretSeal.Unseal(ca.SealedKey, secret, KeyInfo, ca.Certificate, "the cluster CA's key");
        try
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(plain, out _);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The CA's key sealed under <paramref name="next"/> instead of <paramref name="current"/> (an admin-secret rotation).</summary>
    public static byte[] Reseal(ClusterCaRecord ca, byte[] current, byte[] next)
    {
        using var key = Unseal(ca, current);
        return Seal(key.ExportPkcs8PrivateKey(), next, ca.Certificate);
    }

    private static byte[] Seal(byte[] pkcs8, byte[] secret, byte[] certificateDer)
    {
        var sealedKey = SecretSeal.Seal(pkcs8, secret, KeyInfo, certificateDer);
        CryptographicOperations.ZeroMemory(pkcs8);
        return sealedKey;
    }

    private static CertificateRequest LeafRequest(string commonName, IEnumerable<string> names, ECDsa key)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Sanitize(commonName)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        var san = new SubjectAlternativeNameBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var trimmed = name.Trim().Trim('[', ']');
            if (trimmed.Length == 0 || !seen.Add(trimmed)) continue;
            if (IPAddress.TryParse(trimmed, out var address)) san.AddIpAddress(address);
            else if (Uri.CheckHostName(trimmed) == UriHostNameType.Dns) san.AddDnsName(trimmed);
        }
        request.CertificateExtensions.Add(san.Build());
        return request;
    }

    private static string Sanitize(string text)
    {
        var kept = new char[Math.Min(text.Length, 60)];
        for (var i = 0; i < kept.Length; i++)
            kept[i] = char.IsLetterOrDigit(text[i]) || text[i] is '-' or '.' or '_' or ' ' ? text[i] : '_';
        return new string(kept);
    }
}
