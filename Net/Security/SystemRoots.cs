using MiniMesos.Isolation.Libc;

namespace MiniMesos.Net.Security;

/// <summary>
/// Keeps the platform's CA store out of a CLI process. .NET's TLS client builds an X509Chain for the server's certificate
/// before our validation callback runs, and on Linux every chain build, even under CustomRootTrust where the system roots
/// are not used, first loads the whole system store: the bundle file and then every file of the certificates directory
/// (~300 certificates parsed, 10-75 ms in each fresh process, most of `minimesos status` over HTTPS: bench/run-e2e). The
/// CLI's decision is <see cref="CaTrust.Check"/>'s alone (the pinned cluster CA; a system root can neither make a
/// certificate acceptable nor unacceptable there), so the CLI points OpenSSL's store variables (SSL_CERT_FILE,
/// SSL_CERT_DIR, which .NET reads with getenv at the first chain build) at nothing. A master does the same: it only ever
/// checks certificates against its cluster's CA, and without this its server certificate context alone (whose creation
/// builds a chain) loaded the store and kept it resident (~1 MB, bench/idle-rss). An agent and `dev` keep the system roots:
/// they pull images and fetch URIs over HTTPS with them.
/// </summary>
internal static class SystemRoots
{
    private static int _left;

    /// <summary>
    /// Call before the process's first TLS connection, while no other thread reads the C environment (setenv is not safe
    /// against a concurrent getenv). Environment.SetEnvironmentVariable would not do: it changes .NET's own copy only.
    /// </summary>
    public static void LeaveOut()
    {
        if (Interlocked.Exchange(ref _left, 1) == 1) return;
        LibcImports.setenv("SSL_CERT_FILE", "", 1);
        LibcImports.setenv("SSL_CERT_DIR", "", 1);
    }
}
