namespace MiniMesos.Net.Security.OpenSsl;

/// <summary>
/// What a server's certificate proves about its cluster CA, examined with OpenSSL's own verification, for
/// <see cref="CaTrust.Decide"/>: the same facts <see cref="CaTrust.Check"/> finds through .NET's X509 types (a
/// self-signed CA among the certificate the leaf carries and those the server sent, which validly issued the leaf,
/// both valid now, in a chain of exactly two), without starting .NET's cryptography layer.
/// </summary>
internal static unsafe class PeerCertificates
{
    /// <summary>Null when the server of the finished handshake <paramref name="ssl"/> is acceptable, else why not.</summary>
    public static string? Check(nint ssl, CaTrust trust, out string? caFingerprint)
    {
        caFingerprint = null;
        using var leaf = X509Handle.Own(LibSsl.SSL_get1_peer_certificate(ssl));
        if (leaf is null) return CaTrust.NoCertificate;
        return Examine(leaf.Pointer, LibSsl.SSL_get_peer_cert_chain(ssl), trust, DateTime.UtcNow, out caFingerprint);
    }

    /// <summary>
    /// Checks <paramref name="leaf"/> against the CA it carries, then against each certificate of <paramref name="sent"/>
    /// (an OpenSSL stack, or 0), at <paramref name="now"/>; the decision is <paramref name="trust"/>'s.
    /// </summary>
    public static string? Examine(nint leaf, nint sent, CaTrust trust, DateTime now, out string? caFingerprint)
    {
        caFingerprint = null;
        using var carried = CarriedCa(leaf);
        if (carried is not null && IsSelfSignedCa(carried.Pointer) && ChainsTo(leaf, carried.Pointer, now))
            caFingerprint = Fingerprint(carried.Pointer);
        for (var i = 0; caFingerprint is null && sent != 0 && i < LibCrypto.OPENSSL_sk_num(sent); i++)
        {
            var candidate = LibCrypto.OPENSSL_sk_value(sent, i);
            if (IsSelfSignedCa(candidate) && ChainsTo(leaf, candidate, now)) caFingerprint = Fingerprint(candidate);
        }
        // The carried CA's fingerprint is wanted only for a refusal's text (Decide runs it before `carried` is freed).
        return trust.Decide(caFingerprint, () => carried is null ? null : Fingerprint(carried.Pointer));
    }

    /// <summary>
    /// Whether <paramref name="ca"/> validly issued <paramref name="leaf"/> at <paramref name="now"/>: OpenSSL's chain
    /// verification with <paramref name="ca"/> as the only trusted certificate (signature, both validity periods, CA
    /// and key-usage constraints, unknown critical extensions), and a chain of two: the leaf is not the CA itself.
    /// </summary>
    public static bool ChainsTo(nint leaf, nint ca, DateTime now)
    {
        var store = LibCrypto.X509_STORE_new();
        var context = LibCrypto.X509_STORE_CTX_new();
        try
        {
            if (store == 0 || context == 0) throw new InsufficientMemoryException("OpenSSL could not allocate a certificate store");
            if (LibCrypto.X509_STORE_add_cert(store, ca) != 1 || LibCrypto.X509_STORE_CTX_init(context, store, leaf, 0) != 1) return false;
            LibCrypto.X509_STORE_CTX_set_time(context, 0, new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)).ToUnixTimeSeconds());
            if (LibCrypto.X509_verify_cert(context) != 1) return false;
            var chain = LibCrypto.X509_STORE_CTX_get0_chain(context);
            return chain != 0 && LibCrypto.OPENSSL_sk_num(chain) == 2 && LibCrypto.X509_cmp(LibCrypto.OPENSSL_sk_value(chain, 1), ca) == 0;
        }
        finally
        {
            if (context != 0) LibCrypto.X509_STORE_CTX_free(context);
            if (store != 0) LibCrypto.X509_STORE_free(store);
            LibCrypto.ERR_clear_error();
        }
    }

    /// <summary>The cluster CA's fingerprint of a certificate: SHA-256 of its DER, lower-case hex (as <see cref="ClusterCa.Fingerprint"/>).</summary>
    public static string Fingerprint(nint certificate)
    {
        var der = X509Handle.Der(certificate);
        var digest = stackalloc byte[32];
        uint size = 32;
        fixed (byte* data = der)
        {
            if (LibCrypto.EVP_Digest(data, (nuint)der.Length, digest, &size, LibCrypto.EVP_sha256(), 0) != 1 || size != 32)
                throw new InvalidOperationException("OpenSSL could not compute a SHA-256 digest");
        }
        return Convert.ToHexStringLower(new ReadOnlySpan<byte>(digest, 32));
    }

    /// <summary>The CA certificate <paramref name="leaf"/> carries in its extension, or null.</summary>
    private static X509Handle? CarriedCa(nint leaf)
    {
        var oid = LibCrypto.OBJ_txt2obj(ClusterCa.CaExtensionOid, 1);
        if (oid == 0) throw new InvalidOperationException("OpenSSL could not parse the cluster CA extension's OID");
        try
        {
            var at = LibCrypto.X509_get_ext_by_OBJ(leaf, oid, -1);
            if (at < 0) return null;
            var data = LibCrypto.X509_EXTENSION_get_data(LibCrypto.X509_get_ext(leaf, at));
            if (data == 0) return null;
            return X509Handle.FromDer(new ReadOnlySpan<byte>(LibCrypto.ASN1_STRING_get0_data(data), LibCrypto.ASN1_STRING_length(data)));
        }
        finally
        {
            LibCrypto.ASN1_OBJECT_free(oid);
        }
    }

    private static bool IsSelfSignedCa(nint certificate) =>
        LibCrypto.X509_NAME_cmp(LibCrypto.X509_get_subject_name(certificate), LibCrypto.X509_get_issuer_name(certificate)) == 0
        && (LibCrypto.X509_get_extension_flags(certificate) & LibCrypto.ExtensionFlagCa) != 0;
}
