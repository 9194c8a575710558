using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MiniMesos.Net.Security;

/// <summary>
/// Whether a server certificate was issued by a given cluster CA and may be used now, checked directly instead of with an
/// X509Chain build (which costs a chain engine set-up per connection on top of the one .NET's TLS client already runs
/// before our callback): the leaf's ECDSA signature under the CA's public key, the issuer name, both validity periods, the
/// CA being a CA allowed to sign certificates, the leaf being no CA and meant for TLS servers, and no critical extension
/// this check does not understand (as a chain build refuses them). The cluster CA is always ECDSA P-256 signing with
/// SHA-256 (<see cref="ClusterCa"/>); anything else is refused.
/// </summary>
internal static class IssuedBy
{
    // AlgorithmIdentifier { ecdsa-with-SHA256 } and { ecdsa-with-SHA384 }, DER (RFC 5758: no parameters).
    private static readonly byte[] EcdsaSha256 = [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    private static readonly byte[] EcdsaSha384 = [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];

    private const string BasicConstraints = "2.5.29.19";
    private const string KeyUsage = "2.5.29.15";
    private const string ExtendedKeyUsage = "2.5.29.37";
    private const string SubjectAltName = "2.5.29.17";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>Null when <paramref name="leaf"/> is validly issued by <paramref name="ca"/> at <paramref name="now"/> (UTC), else why not.</summary>
    public static string? Why(X509Certificate2 leaf, X509Certificate2 ca, DateTime now)
    {
        if (!Within(ca, now)) return "the CA is expired or not yet valid";
        if (!Within(leaf, now)) return "the certificate is expired or not yet valid";
        if (!leaf.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData)) return "another CA's name is its issuer";
        if (!IsSigningCa(ca)) return "the issuer is not a CA allowed to sign certificates";
        if (!IsServerLeaf(leaf)) return "the certificate is a CA's, or not meant for a TLS server";
        if (!SignatureVerifies(leaf.RawData, ca)) return "its signature does not verify under the CA's key";
        return null;
    }

    private static bool Within(X509Certificate2 certificate, DateTime now) =>
        certificate.NotBefore.ToUniversalTime() <= now && now <= certificate.NotAfter.ToUniversalTime();

    private static bool IsSigningCa(X509Certificate2 ca)
    {
        bool isCa = false;
        foreach (var extension in ca.Extensions)
        {
            switch (extension)
            {
                case X509BasicConstraintsExtension b:
                    isCa = b.CertificateAuthority;
                    break;
                case X509KeyUsageExtension k when (k.KeyUsages & X509KeyUsageFlags.KeyCertSign) == 0:
                    return false;
                default:
                    if (extension.Critical && extension.Oid?.Value is not (BasicConstraints or KeyUsage)) return false;
                    break;
            }
        }
        return isCa;
    }

    private static bool IsServerLeaf(X509Certificate2 leaf)
    {
        foreach (var extension in leaf.Extensions)
        {
            switch (extension)
            {
                case X509BasicConstraintsExtension b when b.CertificateAuthority:
                    return false;
                case X509KeyUsageExtension k when (k.KeyUsages & X509KeyUsageFlags.DigitalSignature) == 0:
                    return false;
                case X509EnhancedKeyUsageExtension e when !HasServerAuth(e):
                    return false;
                default:
                    if (extension.Critical && extension.Oid?.Value is not (BasicConstraints or KeyUsage or ExtendedKeyUsage or SubjectAltName)) return false;
                    break;
            }
        }
        return true;
    }

    private static bool HasServerAuth(X509EnhancedKeyUsageExtension extension)
    {
        foreach (var oid in extension.EnhancedKeyUsages)
            if (oid.Value == ServerAuth) return true;
        return false;
    }

    private static bool SignatureVerifies(byte[] der, X509Certificate2 ca)
    {
        if (!Split(der, out var tbs, out var algorithm, out var signature)) return false;
        HashAlgorithmName hash;
        if (algorithm.SequenceEqual(EcdsaSha256)) hash = HashAlgorithmName.SHA256;
        else if (algorithm.SequenceEqual(EcdsaSha384)) hash = HashAlgorithmName.SHA384;
        else return false;
        using var key = ca.GetECDsaPublicKey();
        return key is not null && key.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>
    /// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signatureValue BIT STRING }, DER
    /// (definite lengths, nothing after it): the signed bytes (with their header), the algorithm (with its header) and the signature.
    /// </summary>
    internal static bool Split(ReadOnlySpan<byte> der, out ReadOnlySpan<byte> tbs, out ReadOnlySpan<byte> algorithm, out ReadOnlySpan<byte> signature)
    {
        tbs = algorithm = signature = default;
        if (!Read(der, 0x30, out var body, out var after) || !after.IsEmpty) return false;
        if (!Read(body, 0x30, out _, out var afterTbs)) return false;
        tbs = body[..^afterTbs.Length];
        if (!Read(afterTbs, 0x30, out _, out var afterAlgorithm)) return false;
        algorithm = afterTbs[..^afterAlgorithm.Length];
        if (!Read(afterAlgorithm, 0x03, out var bits, out var end) || !end.IsEmpty || bits.Length < 2 || bits[0] != 0) return false;
        signature = bits[1..];
        return true;
    }

    private static bool Read(ReadOnlySpan<byte> data, byte tag, out ReadOnlySpan<byte> content, out ReadOnlySpan<byte> rest)
    {
        content = rest = default;
        if (data.Length < 2 || data[0] != tag) return false;
        int length = data[1], offset = 2;
        if (length >= 0x80)
        {
            var count = length & 0x7f;
            if (count is 0 or > 3 || data.Length < offset + count) return false; // 0: indefinite length, not DER
            length = 0;
            for (var i = 0; i < count; i++) length = (length << 8) | data[offset + i];
            offset += count;
        }
        if (length > data.Length - offset) return false;
        content = data.Slice(offset, length);
        rest = data[(offset + length)..];
        return true;
    }
}
