using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// The check of a server certificate against a cluster CA (ClusterCa.ChainsTo, behind CaTrust.Check on every TLS client
/// link), with real certificates made here: each way a certificate can fail to be the CA's, valid now, is refused.
/// </summary>
public sealed class CaChainCheckTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public void ACertificateTheClusterCaIssuedIsAccepted()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        using var leaf = ClusterCa.Issue(record, Secret, "minimesos master 1", ["pi1", "10.0.0.5"], Now, TimeSpan.FromDays(90));
        Assert.True(ClusterCa.ChainsTo(leaf, ca, Now));
        // Just inside both ends of its validity period (issued 10 minutes back-dated, valid 90 days).
        Assert.True(ClusterCa.ChainsTo(leaf, ca, leaf.NotBefore.ToUniversalTime().AddSeconds(1)));
        Assert.True(ClusterCa.ChainsTo(leaf, ca, leaf.NotAfter.ToUniversalTime().AddSeconds(-1)));
    }

    [Fact]
    public void AnotherCaIsRefusedEvenUnderTheSameName()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var leaf = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(90));
        using var sameName = ClusterCa.Certificate(ClusterCa.Create("home", Secret, Now)); // same subject, another key
        Assert.False(ClusterCa.ChainsTo(leaf, sameName, Now));
        using var otherName = ClusterCa.Certificate(ClusterCa.Create("work", Secret, Now));
        Assert.False(ClusterCa.ChainsTo(leaf, otherName, Now));
    }

    [Fact]
    public void ExpiredAndNotYetValidCertificatesAreRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        using var leaf = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(1));
        foreach (var when in new[] { Now.AddDays(2), leaf.NotAfter.ToUniversalTime().AddSeconds(1) })
        {
            Assert.False(ClusterCa.ChainsTo(leaf, ca, when));
        }
        // Not yet valid under a CA that is.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var longCa = MakeCa("CN=long", key, Now.AddHours(-1), Now.AddDays(30));
        using var early = MakeLeaf(longCa, Now.AddHours(1), Now.AddDays(1));
        Assert.False(ClusterCa.ChainsTo(early, longCa, Now));
        Assert.True(ClusterCa.ChainsTo(early, longCa, Now.AddHours(2)));
        // A leaf still valid under an expired or not yet valid CA.
        using var shortCa = MakeCa("CN=short", key, Now.AddHours(-1), Now.AddHours(1));
        using var leaf2 = MakeLeaf(shortCa, Now.AddHours(-1), Now.AddDays(30));
        Assert.True(ClusterCa.ChainsTo(leaf2, shortCa, Now));
        Assert.False(ClusterCa.ChainsTo(leaf2, shortCa, Now.AddHours(2)));
        using var futureCa = MakeCa("CN=future", key, Now.AddHours(1), Now.AddDays(30));
        using var leaf3 = MakeLeaf(futureCa, Now.AddHours(-1), Now.AddDays(30));
        Assert.False(ClusterCa.ChainsTo(leaf3, futureCa, Now));
    }

    [Fact]
    public void ATamperedCertificateOrSignatureIsRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        using var leaf = ClusterCa.Issue(record, Secret, "minimesos master 1", ["pi1"], Now, TimeSpan.FromDays(90));
        // A name changed inside the signed part (same length, so the DER stays well formed).
        var der = leaf.RawData;
        var at = der.AsSpan().IndexOf(Encoding.ASCII.GetBytes("master 1"));
        Assert.True(at > 0);
        var renamed = (byte[])der.Clone();
        renamed[at + 7] = (byte)'2';
        // The last byte of the signature (the S integer's last byte).
        var resigned = (byte[])der.Clone();
        resigned[^1] ^= 0x01;
        foreach (var tampered in new[] { renamed, resigned })
        {
            using var bad = X509CertificateLoader.LoadCertificate(tampered);
            Assert.False(ClusterCa.ChainsTo(bad, ca, Now));
        }
    }

    [Fact]
    public void ACaCertificateAsTheServersCertificateIsRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        // The CA itself (it is validly self-signed): a chain of one, not a leaf under the CA.
        Assert.False(ClusterCa.ChainsTo(ca, ca, Now));
    }

    [Fact]
    public void ALeafWithAnUnknownCriticalExtensionIsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = MakeCa("CN=ca", key, Now.AddHours(-1), Now.AddDays(30));
        using var unknownCritical = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1), r =>
            r.CertificateExtensions.Add(new X509Extension(new Oid("1.2.3.4.5"), [0x05, 0x00], critical: true)));
        Assert.False(ClusterCa.ChainsTo(unknownCritical, ca, Now));
        using var plain = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1));
        Assert.True(ClusterCa.ChainsTo(plain, ca, Now));
    }

    [Fact]
    public void AnIssuerThatIsNoSigningCaIsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // An end-entity certificate (CA:false) used to sign another.
        var notCaRequest = new CertificateRequest("CN=not a ca", key, HashAlgorithmName.SHA256);
        notCaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var notCa = notCaRequest.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(30));
        using var underNotCa = MakeLeaf(notCa, Now.AddHours(-1), Now.AddDays(1));
        Assert.False(ClusterCa.ChainsTo(underNotCa, notCa, Now));
        // A CA whose key usage leaves out certificate signing.
        var noSignRequest = new CertificateRequest("CN=no sign", key, HashAlgorithmName.SHA256);
        noSignRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        noSignRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign, true));
        using var noSign = noSignRequest.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(30));
        using var underNoSign = MakeLeaf(noSign, Now.AddHours(-1), Now.AddDays(1));
        Assert.False(ClusterCa.ChainsTo(underNoSign, noSign, Now));
    }

    [Fact]
    public void APinnedClientRefusesALeafThatCarriesThePinnedCaButIsSignedByAnotherKey()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        var pin = ClusterCa.Fingerprint(record.Certificate);
        var trust = new CaTrust(pin, null, acceptSelfSigned: false);
        using var genuine = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(90));
        Assert.Null(trust.Check(genuine, null, out var seen));
        Assert.Equal(pin, seen);
        // A man in the middle: a CA of its own under the same name, and a leaf carrying the real CA's certificate.
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = MakeCa(ca.Subject, impostorKey, Now.AddHours(-1), Now.AddDays(30));
        using var forged = MakeLeaf(impostor, Now.AddHours(-1), Now.AddDays(1), r =>
            r.CertificateExtensions.Add(new X509Extension(new Oid(ClusterCa.CaExtensionOid), record.Certificate, critical: false)));
        var refusal = trust.Check(forged, null, out seen);
        Assert.Contains("not proven", refusal);
        Assert.Contains(pin, refusal);
        Assert.Null(seen);
        // The genuine leaf once it has expired.
        Assert.False(ClusterCa.ChainsTo(genuine, ca, Now.AddDays(91)));
    }

    private static X509Certificate2 MakeCa(string name, ECDsa key, DateTime notBefore, DateTime notAfter)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A leaf signed by <paramref name="issuer"/> (which holds its private key), with what <paramref name="extend"/> adds.</summary>
    private static X509Certificate2 MakeLeaf(X509Certificate2 issuer, DateTime notBefore, DateTime notAfter, Action<CertificateRequest>? extend = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256);
        extend?.Invoke(request);
        return Sign(request, issuer, notBefore, notAfter);
    }

    /// <summary>Signs with <paramref name="issuer"/>'s ECDSA key whatever the issuer is (CertificateRequest.Create(issuer) refuses some).</summary>
    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, DateTime notBefore, DateTime notAfter)
    {
        using var ecdsa = issuer.GetECDsaPrivateKey()!;
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(ecdsa), notBefore, notAfter, [7, 7]);
    }
}
