using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// The direct check of a server certificate against the cluster CA (no chain build), with real certificates made here:
/// everything an X509Chain build under the CA refused is still refused (each case is also run through such a build, as
/// the check was before, to show it refused it too), and a few things it let through (a CA as the leaf, a leaf not for TLS
/// servers, an issuer without the right to sign certificates) are refused as well.
/// </summary>
public sealed class IssuedByTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public void ACertificateTheClusterCaIssuedIsAccepted()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        using var leaf = ClusterCa.Issue(record, Secret, "minimesos master 1", ["pi1", "10.0.0.5"], Now, TimeSpan.FromDays(90));
        Assert.Null(IssuedBy.Why(leaf, ca, Now));
        Assert.True(ChainBuild(leaf, ca, Now));
        Assert.True(ClusterCa.ChainsTo(leaf, ca, Now));
        // Just inside both ends of its validity period (issued 10 minutes back-dated, valid 90 days).
        Assert.Null(IssuedBy.Why(leaf, ca, leaf.NotBefore.ToUniversalTime()));
        Assert.Null(IssuedBy.Why(leaf, ca, leaf.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public void AnotherCaIsRefusedEvenUnderTheSameName()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var leaf = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(90));
        using var sameName = ClusterCa.Certificate(ClusterCa.Create("home", Secret, Now)); // same subject, another key
        Assert.Equal("its signature does not verify under the CA's key", IssuedBy.Why(leaf, sameName, Now));
        Assert.False(ChainBuild(leaf, sameName, Now));
        using var otherName = ClusterCa.Certificate(ClusterCa.Create("work", Secret, Now));
        Assert.Equal("another CA's name is its issuer", IssuedBy.Why(leaf, otherName, Now));
        Assert.False(ChainBuild(leaf, otherName, Now));
    }

    [Fact]
    public void ExpiredAndNotYetValidCertificatesAreRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        using var leaf = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(1));
        foreach (var when in new[] { Now.AddDays(2), leaf.NotAfter.ToUniversalTime().AddSeconds(1) })
        {
            Assert.Equal("the certificate is expired or not yet valid", IssuedBy.Why(leaf, ca, when));
            Assert.False(ChainBuild(leaf, ca, when));
        }
        // Not yet valid under a CA that is.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var longCa = MakeCa("CN=long", key, Now.AddHours(-1), Now.AddDays(30));
        using var early = MakeLeaf(longCa, Now.AddHours(1), Now.AddDays(1));
        Assert.Equal("the certificate is expired or not yet valid", IssuedBy.Why(early, longCa, Now));
        Assert.False(ChainBuild(early, longCa, Now));
        Assert.Null(IssuedBy.Why(early, longCa, Now.AddHours(2)));
        // A leaf still valid under an expired or not yet valid CA.
        using var shortCa = MakeCa("CN=short", key, Now.AddHours(-1), Now.AddHours(1));
        using var leaf2 = MakeLeaf(shortCa, Now.AddHours(-1), Now.AddDays(30));
        Assert.Null(IssuedBy.Why(leaf2, shortCa, Now));
        Assert.Equal("the CA is expired or not yet valid", IssuedBy.Why(leaf2, shortCa, Now.AddHours(2)));
        Assert.False(ChainBuild(leaf2, shortCa, Now.AddHours(2)));
        using var futureCa = MakeCa("CN=future", key, Now.AddHours(1), Now.AddDays(30));
        using var leaf3 = MakeLeaf(futureCa, Now.AddHours(-1), Now.AddDays(30));
        Assert.Equal("the CA is expired or not yet valid", IssuedBy.Why(leaf3, futureCa, Now));
        Assert.False(ChainBuild(leaf3, futureCa, Now));
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
            Assert.Equal("its signature does not verify under the CA's key", IssuedBy.Why(bad, ca, Now));
            Assert.False(ChainBuild(bad, ca, Now));
        }
        // Bytes after the certificate, or a length that runs past the end: not DER, not split.
        Assert.True(IssuedBy.Split(der, out _, out _, out _));
        Assert.False(IssuedBy.Split([.. der, 0], out _, out _, out _));
        Assert.False(IssuedBy.Split(der.AsSpan(0, der.Length - 1), out _, out _, out _));
    }

    [Fact]
    public void ACaCertificateAsTheServersCertificateIsRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        // The CA itself (it is validly self-signed).
        Assert.Equal("the certificate is a CA's, or not meant for a TLS server", IssuedBy.Why(ca, ca, Now));
        // A sub-CA the cluster CA signed.
        using var caKey = ClusterCa.Unseal(record, Secret);
        using var signer = ca.CopyWithPrivateKey(caKey);
        using var subKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sub", subKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var sub = Sign(request, signer, Now.AddHours(-1), Now.AddDays(30));
        Assert.Equal("the certificate is a CA's, or not meant for a TLS server", IssuedBy.Why(sub, ca, Now));
    }

    [Fact]
    public void ALeafNotMeantForATlsServerOrWithAnUnknownCriticalExtensionIsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = MakeCa("CN=ca", key, Now.AddHours(-1), Now.AddDays(30));
        using var clientOnly = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1), r =>
            r.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)));
        Assert.Equal("the certificate is a CA's, or not meant for a TLS server", IssuedBy.Why(clientOnly, ca, Now));
        using var encipherOnly = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1), r =>
            r.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true)));
        Assert.NotNull(IssuedBy.Why(encipherOnly, ca, Now));
        using var unknownCritical = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1), r =>
            r.CertificateExtensions.Add(new X509Extension(new Oid("1.2.3.4.5"), [0x05, 0x00], critical: true)));
        Assert.NotNull(IssuedBy.Why(unknownCritical, ca, Now));
        Assert.False(ChainBuild(unknownCritical, ca, Now));
        using var plain = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1));
        Assert.Null(IssuedBy.Why(plain, ca, Now));
    }

    [Fact]
    public void AnIssuerThatIsNoSigningCaOrNotEcdsaIsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // An end-entity certificate (CA:false) used to sign another.
        var notCaRequest = new CertificateRequest("CN=not a ca", key, HashAlgorithmName.SHA256);
        notCaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var notCa = notCaRequest.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(30));
        using var underNotCa = MakeLeaf(notCa, Now.AddHours(-1), Now.AddDays(1));
        Assert.Equal("the issuer is not a CA allowed to sign certificates", IssuedBy.Why(underNotCa, notCa, Now));
        Assert.False(ChainBuild(underNotCa, notCa, Now));
        // A CA whose key usage leaves out certificate signing.
        var noSignRequest = new CertificateRequest("CN=no sign", key, HashAlgorithmName.SHA256);
        noSignRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        noSignRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign, true));
        using var noSign = noSignRequest.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(30));
        using var underNoSign = MakeLeaf(noSign, Now.AddHours(-1), Now.AddDays(1));
        Assert.Equal("the issuer is not a CA allowed to sign certificates", IssuedBy.Why(underNoSign, noSign, Now));
        Assert.False(ChainBuild(underNoSign, noSign, Now));
        // An RSA CA: the cluster CA is always ECDSA, so its signatures are not even tried.
        using var rsa = RSA.Create(2048);
        var rsaRequest = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rsaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var rsaCa = rsaRequest.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(30));
        using var underRsa = MakeLeaf(rsaCa, Now.AddHours(-1), Now.AddDays(1));
        Assert.True(ChainBuild(underRsa, rsaCa, Now));
        Assert.Equal("its signature does not verify under the CA's key", IssuedBy.Why(underRsa, rsaCa, Now));
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

    /// <summary>Signs with <paramref name="issuer"/>'s private key whatever the issuer is (CertificateRequest.Create(issuer) refuses some).</summary>
    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, DateTime notBefore, DateTime notAfter)
    {
        if (issuer.GetRSAPrivateKey() is { } rsa)
        {
            using (rsa)
                return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1), notBefore, notAfter, [7, 7]);
        }
        using var ecdsa = issuer.GetECDsaPrivateKey()!;
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(ecdsa), notBefore, notAfter, [7, 7]);
    }

    /// <summary>The check as it was before: an X509Chain build under the CA as the only trusted root.</summary>
    private static bool ChainBuild(X509Certificate2 leaf, X509Certificate2 ca, DateTime now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now;
        return chain.Build(leaf) && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }
}
