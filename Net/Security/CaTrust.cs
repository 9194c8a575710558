using System.Security.Cryptography.X509Certificates;

namespace MiniMesos.Net.Security;

/// <summary>
/// Which server certificates a client accepts (a node dialling the cluster port, the CLI calling the API). With a pin
/// (from an mm1 token or pinned earlier) only a certificate issued by that CA; without one, any certificate, whose CA is
/// then pinned once the connection has proved itself (<see cref="Remember"/>): trust on first use, and a later
/// mismatch is refused naming both fingerprints. A self-signed certificate (a master that has no CA yet) is accepted
/// without a pin, or with one when <paramref name="acceptSelfSigned"/> (masters among themselves, whose handshake proof
/// is bound to the certificate, docs/protocol.md "TLS").
/// </summary>
internal sealed class CaTrust(string? pinned, string? pinFile, bool acceptSelfSigned)
{
    private readonly Lock _gate = new();
    private string? _pinned = pinned ?? Read(pinFile);

    public string? Pinned
    {
        get
        {
            lock (_gate) return _pinned;
        }
    }

    public string? PinFile => pinFile;

    /// <summary>
    /// The chain policy for the TLS stack's own chain build, which runs before <see cref="Check"/>: no system roots, no
    /// downloads, no revocation; the decision is <see cref="Check"/>'s. (The build still loads the system store first:
    /// the CLI leaves it out, <see cref="SystemRoots"/>.)
    /// </summary>
    public static System.Security.Cryptography.X509Certificates.X509ChainPolicy ChainPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    /// <summary>Null when <paramref name="certificate"/> is acceptable, else why not; <paramref name="caFingerprint"/> is its CA's.</summary>
    public string? Check(X509Certificate? certificate, X509Chain? chain, out string? caFingerprint)
    {
        caFingerprint = null;
        if (certificate is null) return NoCertificate;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var now = DateTime.UtcNow;
        X509Certificate2? ca = null;
        foreach (var candidate in Candidates(leaf, chain))
        {
            if (candidate.Subject == candidate.Issuer && IsCa(candidate) && ClusterCa.ChainsTo(leaf, candidate, now))
            {
                ca = candidate;
                break;
            }
        }
        if (ca is not null) caFingerprint = ClusterCa.Fingerprint(ca.RawData);
        return Decide(caFingerprint, () => ClusterCa.CarriedCa(leaf) is { } claimed ? ClusterCa.Fingerprint(claimed.RawData) : null);
    }

    public const string NoCertificate = "the server presented no certificate";

    /// <summary>
    /// The decision once a server certificate has been examined: <paramref name="caFingerprint"/> is the CA it is proven
    /// to be issued by (a self-signed CA that validly issued it, valid now), or null; <paramref name="claimedCaFingerprint"/>
    /// gives the CA it carries in its extension (<see cref="ClusterCa.CaExtensionOid"/>), proven or not, for a refusal's text.
    /// </summary>
    public string? Decide(string? caFingerprint, Func<string?> claimedCaFingerprint)
    {
        var expected = Pinned;
        if (expected is null) return null;
        if (caFingerprint == expected) return null;
        if (caFingerprint is null && acceptSelfSigned) return null;
        var found = caFingerprint ?? (claimedCaFingerprint() is { } claimed
            ? $"not proven (its certificate names CA {claimed}, but is not validly issued by it: another key signed it, or it is expired or not yet valid)"
            : "missing (it presents a self-signed certificate)");
        return $"the server's cluster CA is {found}, but this node trusts " +
            $"only {expected}{(pinFile is null ? " (from its token)" : $" (pinned in {pinFile})")}: a different cluster or a man in the middle. " +
            "If the cluster's CA really changed, remove the pin file and use the new token (`minimesos token show` on a master)";
    }

    /// <summary>Pins <paramref name="caFingerprint"/> whatever was pinned (a master following its replicated state's CA).</summary>
    public void Pin(string caFingerprint)
    {
        lock (_gate) _pinned = caFingerprint;
    }

    /// <summary>Pins <paramref name="caFingerprint"/> when nothing is pinned yet (after the connection proved itself).</summary>
    public void Remember(string? caFingerprint)
    {
        if (caFingerprint is null) return;
        lock (_gate)
        {
            if (_pinned is not null) return;
            _pinned = caFingerprint;
        }
        if (pinFile is null) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(pinFile)!);
            File.WriteAllText(pinFile, caFingerprint + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The pin still holds for this process; the next one pins again.
        }
    }

    private static IEnumerable<X509Certificate2> Candidates(X509Certificate2 leaf, X509Chain? chain)
    {
        if (ClusterCa.CarriedCa(leaf) is { } carried) yield return carried;
        if (chain is null) yield break;
        foreach (var c in chain.ChainPolicy.ExtraStore) yield return c;
        foreach (var e in chain.ChainElements) yield return e.Certificate;
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static string? Read(string? path)
    {
        if (path is null || !File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        return ClusterCa.IsFingerprint(text) ? text : throw new ConfigException($"{path} does not hold a CA fingerprint (64 hex digits): remove it to pin again");
    }
}
