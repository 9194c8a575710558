using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MiniMesos.Net.Security;

/// <summary>
/// Whether a server certificate was issued by a given cluster CA, checked directly: the leaf names the CA as its issuer,
/// its ECDSA-SHA256 signature verifies under the CA's public key, both are within their validity period, the CA is a CA
/// allowed to sign certificates, the leaf's key may sign (the TLS handshake), and neither carries a critical extension
/// this check does not understand. That is what an X509Chain build with the CA as its only custom root decides for a
/// chain of two, without the chain engine's set-up (its store contexts and the user's .NET certificate stores, read
/// on every build): it runs on every TLS connection a CLI command or node makes (<see cref="CaTrust.Check"/>).
/// </summary>
internal static class IssuerCheck
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";

    // basicConstraints, keyUsage, extKeyUsage, subjectAltName, subjectKeyIdentifier, authorityKeyIdentifier.
    private static readonly string[] Understood = ["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17", "2.5.29.14", "2.5.29.35"];

    public static bool IssuedBy(X509Certificate2 leaf, X509Certificate2 ca, DateTime now)
    {
        var utc = now.ToUniversalTime();
        if (!leaf.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData)) return false;
        if (!ValidAt(leaf, utc) || !ValidAt(ca, utc)) return false;
        if (!OnlyUnderstoodCritical(leaf) || !OnlyUnderstoodCritical(ca)) return false;
        if (!IsCa(ca) || !Allows(ca, X509KeyUsageFlags.KeyCertSign) || !Allows(leaf, X509KeyUsageFlags.DigitalSignature)) return false;
        if (leaf.SignatureAlgorithm.Value != EcdsaWithSha256) return false;
        using var key = ca.GetECDsaPublicKey();
        if (key is null || !TrySplit(leaf.RawDataMemory, out var signed, out var signature)) return false;
        return key.VerifyData(signed.Span, signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static bool ValidAt(X509Certificate2 certificate, DateTime utc) =>
        certificate.NotBefore.ToUniversalTime() <= utc && utc <= certificate.NotAfter.ToUniversalTime();

    private static bool OnlyUnderstoodCritical(X509Certificate2 certificate) =>
        certificate.Extensions.All(e => !e.Critical || Understood.Contains(e.Oid?.Value));

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    /// <summary>A certificate without a key usage extension may be used for anything (RFC 5280 4.2.1.3).</summary>
    private static bool Allows(X509Certificate2 certificate, X509KeyUsageFlags usage) =>
        certificate.Extensions.OfType<X509KeyUsageExtension>().All(k => (k.KeyUsages & usage) == usage);

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (DER).</summary>
    private static bool TrySplit(ReadOnlyMemory<byte> der, out ReadOnlyMemory<byte> signed, out ReadOnlyMemory<byte> signature)
    {
        signed = signature = default;
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var certificate = outer.ReadSequence();
            if (outer.HasData) return false;
            signed = certificate.ReadEncodedValue();
            certificate.ReadEncodedValue(); // the algorithm, checked through SignatureAlgorithm
            if (!certificate.TryReadPrimitiveBitString(out var unused, out signature) || unused != 0) return false;
            return !certificate.HasData;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
