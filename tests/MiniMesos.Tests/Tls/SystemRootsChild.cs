using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MiniMesos.Isolation.Tls;
using MiniMesos.Net.Security;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// Child process of <see cref="SystemRootsTests"/> (the C environment it changes is the whole process's): with
/// "leave-out" it first calls <see cref="SystemRoots.LeaveOut"/>, then prints how many system roots a chain build would
/// load, and whether a pin to one CA still accepts that CA's certificate and refuses another CA's. With "public" (its
/// SSL_CERT_FILE names a file it writes a CA into after leaving the store out) it prints what a client of public
/// servers (<see cref="PublicRoots"/>) decides over real TLS connections on loopback.
/// </summary>
internal static class SystemRootsChild
{
    public const string Mode = "system-roots-child";

    public static int Run(string how)
    {
        if (how is "leave-out" or "public") SystemRoots.LeaveOut();
        Console.WriteLine($"SSL_CERT_FILE {Environment.GetEnvironmentVariable("SSL_CERT_FILE") ?? "unset"}");
        using (var roots = new X509Store(StoreName.Root, StoreLocation.LocalMachine))
        {
            roots.Open(OpenFlags.ReadOnly);
            Console.WriteLine($"roots {roots.Certificates.Count}");
        }
        var secret = RandomNumberGenerator.GetBytes(32);
        var now = DateTimeOffset.UtcNow;
        var ours = ClusterCa.Create("ours", secret, now);
        var theirs = ClusterCa.Create("theirs", secret, now);
        using var ourLeaf = ClusterCa.Issue(ours, secret, "master", ["127.0.0.1"], now, TimeSpan.FromDays(1));
        using var theirLeaf = ClusterCa.Issue(theirs, secret, "master", ["127.0.0.1"], now, TimeSpan.FromDays(1));
        if (how == "public") return Public(ours, ourLeaf, theirLeaf);
        var trust = new CaTrust(ClusterCa.Fingerprint(ours.Certificate), null, acceptSelfSigned: false);
        var accepted = trust.Check(ourLeaf, null, out _) is null;
        var refused = trust.Check(theirLeaf, null, out _) is not null;
        Console.WriteLine($"pin {(accepted && refused ? "holds" : $"broken: accepted {accepted}, refused {refused}")}");
        return 0;
    }

    private static int Public(Core.State.ClusterCaRecord bundled, X509Certificate2 bundledLeaf, X509Certificate2 otherLeaf)
    {
        Console.WriteLine($"loaded before {PublicRoots.Loaded}");
        File.WriteAllText(Environment.GetEnvironmentVariable("SSL_CERT_FILE")!, ClusterCa.Pem(bundled.Certificate));
        Console.WriteLine($"bundled CA {ConnectAsync(bundledLeaf, "127.0.0.1").GetAwaiter().GetResult()}");
        Console.WriteLine($"loaded after {PublicRoots.Loaded}");
        Console.WriteLine($"other CA {ConnectAsync(otherLeaf, "127.0.0.1").GetAwaiter().GetResult()}");
        Console.WriteLine($"wrong name {ConnectAsync(bundledLeaf, "other.example").GetAwaiter().GetResult()}");
        return 0;
    }

    private static async Task<string> ConnectAsync(X509Certificate2 serverCertificate, string host)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(accepted.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate });
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                // the client refused the certificate
            }
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        await using var stream = new SslStream(client.GetStream());
        var options = PublicRoots.ClientOptions();
        options.TargetHost = host;
        try
        {
            await stream.AuthenticateAsClientAsync(options);
            return "accepted";
        }
        catch (AuthenticationException)
        {
            return "refused";
        }
        finally
        {
            client.Close();
            await server.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
