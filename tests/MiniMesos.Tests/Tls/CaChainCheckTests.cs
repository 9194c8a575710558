using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MiniMesos.Net.Security;
using MiniMesos.Net.Security.OpenSsl;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// The check of a server certificate against a cluster CA, with real certificates made here: each way a certificate can
/// fail to be the CA's, valid now, is refused. Both checks are asked each time and must agree: .NET's (ClusterCa.ChainsTo,
/// behind CaTrust.Check on the daemons' TLS links) and OpenSSL's (PeerCertificates.ChainsTo, behind the CLI's own TLS client).
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
        Assert.True(Chains(leaf, ca, Now));
        // Just inside both ends of its validity period (issued 10 minutes back-dated, valid 90 days).
        Assert.True(Chains(leaf, ca, leaf.NotBefore.ToUniversalTime().AddSeconds(1)));
        Assert.True(Chains(leaf, ca, leaf.NotAfter.ToUniversalTime().AddSeconds(-1)));
    }

    [Fact]
    public void AnotherCaIsRefusedEvenUnderTheSameName()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var leaf = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(90));
        using var sameName = ClusterCa.Certificate(ClusterCa.Create("home", Secret, Now)); // same subject, another key
        Assert.False(Chains(leaf, sameName, Now));
        using var otherName = ClusterCa.Certificate(ClusterCa.Create("work", Secret, Now));
        Assert.False(Chains(leaf, otherName, Now));
    }

    [Fact]
    public void ExpiredAndNotYetValidCertificatesAreRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        using var leaf = ClusterCa.Issue(record, Secret, "master", ["pi1"], Now, TimeSpan.FromDays(1));
        foreach (var when in new[] { Now.AddDays(2), leaf.NotAfter.ToUniversalTime().AddSeconds(1) })
        {
            Assert.False(Chains(leaf, ca, when));
        }
        // Not yet valid under a CA that is.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var longCa = MakeCa("CN=long", key, Now.AddHours(-1), Now.AddDays(30));
        using var early = MakeLeaf(longCa, Now.AddHours(1), Now.AddDays(1));
        Assert.False(Chains(early, longCa, Now));
        Assert.True(Chains(early, longCa, Now.AddHours(2)));
        // A leaf still valid under an expired or not yet valid CA.
        using var shortCa = MakeCa("CN=short", key, Now.AddHours(-1), Now.AddHours(1));
        using var leaf2 = MakeLeaf(shortCa, Now.AddHours(-1), Now.AddDays(30));
        Assert.True(Chains(leaf2, shortCa, Now));
        Assert.False(Chains(leaf2, shortCa, Now.AddHours(2)));
        using var futureCa = MakeCa("CN=future", key, Now.AddHours(1), Now.AddDays(30));
        using var leaf3 = MakeLeaf(futureCa, Now.AddHours(-1), Now.AddDays(30));
        Assert.False(Chains(leaf3, futureCa, Now));
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
            Assert.False(Chains(bad, ca, Now));
        }
    }

    [Fact]
    public void ACaCertificateAsTheServersCertificateIsRefused()
    {
        var record = ClusterCa.Create("home", Secret, Now);
        using var ca = ClusterCa.Certificate(record);
        // The CA itself (it is validly self-signed): a chain of one, not a leaf under the CA.
        Assert.False(Chains(ca, ca, Now));
    }

    [Fact]
    public void ALeafWithAnUnknownCriticalExtensionIsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = MakeCa("CN=ca", key, Now.AddHours(-1), Now.AddDays(30));
        using var unknownCritical = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1), r =>
            r.CertificateExtensions.Add(new X509Extension(new Oid("1.2.3.4.5"), [0x05, 0x00], critical: true)));
        Assert.False(Chains(unknownCritical, ca, Now));
        using var plain = MakeLeaf(ca, Now.AddHours(-1), Now.AddDays(1));
        Assert.True(Chains(plain, ca, Now));
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
        Assert.False(Chains(underNotCa, notCa, Now));
        // A CA whose key usage leaves out certificate signing.
        var noSignRequest = new CertificateRequest("CN=no sign", key, HashAlgorithmName.SHA256);
        noSignRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        noSignRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign, true));
        using var noSign = noSignRequest.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(30));
        using var underNoSign = MakeLeaf(noSign, Now.AddHours(-1), Now.AddDays(1));
        Assert.False(Chains(underNoSign, noSign, Now));
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
        // The CLI's check through OpenSSL decides the same, in the same words.
        Assert.Null(Examine(genuine, trust, out seen));
        Assert.Equal(pin, seen);
        Assert.Equal(refusal, Examine(forged, trust, out seen));
        Assert.Null(seen);
        // And finds the CA among the certificates a server sent when the leaf carries none.
        using var bare = MakeLeaf(ca.CopyWithPrivateKey(ClusterCa.Unseal(record, Secret)), Now.AddHours(-1), Now.AddDays(1));
        Assert.Null(Examine(bare, trust, out seen, sent: ca));
        Assert.Equal(pin, seen);
        Assert.Contains("missing", Examine(bare, trust, out seen));
        // The genuine leaf once it has expired.
        Assert.False(Chains(genuine, ca, Now.AddDays(91)));
    }

    /// <summary>Whether <paramref name="leaf"/> chains to <paramref name="ca"/> at <paramref name="when"/>, asserting .NET's and OpenSSL's checks agree.</summary>
    private static bool Chains(X509Certificate2 leaf, X509Certificate2 ca, DateTime when)
    {
        var dotnet = ClusterCa.ChainsTo(leaf, ca, when);
        using var nativeLeaf = X509Handle.FromDer(leaf.RawData)!;
        using var nativeCa = X509Handle.FromDer(ca.RawData)!;
        var openssl = PeerCertificates.ChainsTo(nativeLeaf.Pointer, nativeCa.Pointer, when);
        Assert.True(dotnet == openssl, $"at {when:O}, .NET says {dotnet} and OpenSSL says {openssl} for {leaf.Subject} under {ca.Subject}");
        Assert.Equal(ClusterCa.Fingerprint(ca.RawData), PeerCertificates.Fingerprint(nativeCa.Pointer));
        return dotnet;
    }

    /// <summary>The CLI's check of <paramref name="leaf"/> through OpenSSL, with <paramref name="sent"/> as the server's other certificate.</summary>
    private static unsafe string? Examine(X509Certificate2 leaf, CaTrust trust, out string? seen, X509Certificate2? sent = null)
    {
        using var nativeLeaf = X509Handle.FromDer(leaf.RawData)!;
        using var nativeSent = sent is null ? null : X509Handle.FromDer(sent.RawData);
        var stack = NativeStack.Of(nativeLeaf.Pointer, nativeSent?.Pointer ?? 0);
        try
        {
            return PeerCertificates.Examine(nativeLeaf.Pointer, stack, trust, DateTime.UtcNow, out seen);
        }
        finally
        {
            NativeStack.Free(stack);
        }
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

/// <summary>An OpenSSL stack of certificates (STACK_OF(X509)) as a server's sent chain, for the CLI's check; the certificates stay the caller's.</summary>
internal static class NativeStack
{
    private const string Lib = "libcrypto.so.3";

    [System.Runtime.InteropServices.DllImport(Lib)]
    private static extern nint OPENSSL_sk_new_null();

    [System.Runtime.InteropServices.DllImport(Lib)]
    private static extern int OPENSSL_sk_push(nint stack, nint item);

    [System.Runtime.InteropServices.DllImport(Lib)]
    private static extern void OPENSSL_sk_free(nint stack);

    public static nint Of(params nint[] certificates)
    {
        var stack = OPENSSL_sk_new_null();
        foreach (var certificate in certificates)
        {
            if (certificate != 0) OPENSSL_sk_push(stack, certificate);
        }
        return stack;
    }

    public static void Free(nint stack) => OPENSSL_sk_free(stack);
}
