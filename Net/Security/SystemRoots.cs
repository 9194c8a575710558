using System.Security.Cryptography.X509Certificates;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Net.Security;

/// <summary>
/// Keeps the platform's CA store out of a daemon. .NET's TLS client builds an X509Chain for the server's certificate
/// before our validation callback runs, and on Linux every chain build, even under CustomRootTrust where the system roots
/// are not used, first loads the whole system store: the bundle file and then every file of the certificates directory
/// (~300 certificates parsed, 10-75 ms in a fresh process), and keeps it for the life of the process (~2 MB resident,
/// bench/idle-rss). The decision on the cluster's own links is <see cref="CaTrust.Check"/>'s alone (the pinned cluster
/// CA; a system root can neither make a certificate acceptable nor unacceptable there). A master calls no public server;
/// an agent (and `dev`) does, for image pulls, fetches and HTTPS health checks, and those clients load the roots
/// themselves on their first use (<see cref="Isolation.Tls.PublicRoots"/>). (The CLI does not use .NET's TLS client at
/// all: <see cref="OpenSsl.TlsClientStream"/>.)
/// </summary>
internal static class SystemRoots
{
    private const string CertFile = "SSL_CERT_FILE";
    private const string CertDir = "SSL_CERT_DIR";
    private static int _left;

    /// <summary>
    /// Call before the process's first TLS connection, while no other thread reads the C environment (setenv is not safe
    /// against a concurrent getenv). .NET reads OpenSSL's store variables (SSL_CERT_FILE, SSL_CERT_DIR) with getenv once,
    /// at its first look at the store: they are pointed at nothing for that look, made now, and then put back as they
    /// were, so that the processes this one starts (tasks, health-check commands) see the environment it was given.
    /// Environment.SetEnvironmentVariable would not do: it changes .NET's own copy only.
    /// </summary>
    public static void LeaveOut()
    {
        if (Interlocked.Exchange(ref _left, 1) == 1) return;
        var file = Environment.GetEnvironmentVariable(CertFile);
        var dir = Environment.GetEnvironmentVariable(CertDir);
        Isolation.Tls.PublicRoots.StoreLeftOut(file, dir);
        LibcImports.setenv(CertFile, "", 1);
        LibcImports.setenv(CertDir, "", 1);
        using (var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine))
        {
            store.Open(OpenFlags.ReadOnly);
            foreach (var root in store.Certificates) root.Dispose();
        }
        Restore(CertFile, file);
        Restore(CertDir, dir);
    }

    private static void Restore(string name, string? value)
    {
        if (value is null) LibcImports.unsetenv(name);
        else LibcImports.setenv(name, value, 1);
    }
}
